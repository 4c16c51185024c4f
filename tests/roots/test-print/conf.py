"""The tiny book of test-book, with a title page shaped as the real book's: what print makes of it."""

extensions = ["myst_parser", "essaybook"]

essaybook_seeds_dir = "seeds"
essaybook_conf_dir = "conf"
essaybook_output_dir = "book"

smartquotes = False
myst_enable_extensions = ["colon_fence", "attrs_block"]
myst_footnote_transition = False
exclude_patterns = ["_build"]
