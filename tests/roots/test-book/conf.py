"""A tiny book: one essay in three parts with notes, one essay with no editorial entry."""

extensions = ["myst_parser", "essaybook"]

essaybook_seeds_dir = "seeds"
essaybook_conf_dir = "conf"
essaybook_output_dir = "book"

smartquotes = False
myst_enable_extensions = ["colon_fence", "attrs_block"]
myst_footnote_transition = False
exclude_patterns = ["_build"]
