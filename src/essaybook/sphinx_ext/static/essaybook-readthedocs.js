/*
 * On Read the Docs, the sidebar's search field opens Read the Docs' own search.
 *
 * Read the Docs indexes every page of the book on its servers and shows the
 * results in a search box of its own (its "addons"), which it opens on the
 * `readthedocs-search-show` event; for themes other than its own it asks the
 * site to send that event from its search field. This script does so when,
 * and only when, the addons say their search is on: by their
 * `readthedocs-addons-data-ready` event, or by the search element they add to
 * the page. Anywhere else (a local build, `make serve`, another host, Read
 * the Docs with search turned off) the field leads to the book's own search
 * page as before. The search page's own field always runs the book's search.
 *
 * Loaded without `defer`, so its listener is there before the addons report.
 */
(() => {
  "use strict";

  const FIELD = ".sidebar-search-container input[name='q']";
  let enabled = false;

  document.addEventListener("readthedocs-addons-data-ready", (event) => {
    try {
      const data = event.detail.data();
      enabled = !!(data && data.addons && data.addons.search && data.addons.search.enabled);
    } catch (error) {
      enabled = false; // data we cannot read: keep the book's own search
    }
  });

  const readTheDocsSearch = () => enabled || document.querySelector("readthedocs-search") !== null;

  const show = (event) => {
    if (!readTheDocsSearch()) return false;
    event.preventDefault();
    document.dispatchEvent(new CustomEvent("readthedocs-search-show"));
    return true;
  };

  // A click in the field, a key typed into it, or the form sent: the reader wants to search.
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.matches(FIELD)) show(event);
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.key.length === 1 || event.key === "Enter";
    if (typing && !event.ctrlKey && !event.metaKey && !event.altKey && event.target instanceof Element && event.target.matches(FIELD)) {
      if (show(event)) event.target.blur();
    }
  });
  document.addEventListener("submit", (event) => {
    if (event.target instanceof Element && event.target.querySelector(FIELD)) show(event);
  });
})();
