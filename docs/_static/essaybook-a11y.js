/*
 * Two repairs to the theme's markup that assistive technology needs, made as
 * the page loads (neither Sphinx nor furo offers a setting for them):
 *   - the table-of-contents captions are <p role="heading"> without the
 *     aria-level that ARIA 1.2 requires (Sphinx upstream: sphinx-doc/sphinx
 *     issue 14030); level 2, what ARIA 1.1 implied, is given;
 *   - furo's two side panels are <aside> elements without a name, so a list
 *     of landmarks shows two identical "complementary" entries; each is named.
 */
(() => {
  "use strict";
  document.querySelectorAll("[role='heading']:not([aria-level])").forEach((el) => {
    el.setAttribute("aria-level", "2");
  });
  const names = {
    ".sidebar-drawer": "Book navigation",
    ".toc-drawer": "On this page",
  };
  for (const [selector, name] of Object.entries(names)) {
    document.querySelectorAll(`aside${selector}`).forEach((el) => {
      if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", name);
    });
  }
})();
