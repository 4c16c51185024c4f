/*
 * The notes in the margin (essaybook.sphinx_ext.margins): open a folded note where the
 * margin has room for all of it.
 *
 * The layout is CSS's (essaybook-margins.css): in the wide margin each note
 * stands beside its marker's line, below the note before it, folded to its
 * opening lines; a reader opens one with its "more". This script only adds:
 *
 * - a note opens whole where that moves no other note: when, opened, it
 *   still ends above the line of the next note's marker (or is the last);
 * - a note a link led to opens (the stylesheet shows it whole already);
 * - outside the wide margin, and for printing, every note is open, so a
 *   browser that cannot show a closed note's text (no ::details-content)
 *   shows it whole there too.
 *
 * A note the reader opened or closed stays as they left it. Without this
 * script every note is still there, whole on a phone and in print, and
 * opens in the margin with a click or Enter.
 */
(() => {
  "use strict";

  const FOLD = "details.sidenote-fold";
  const wideQuery = window.matchMedia("(min-width: 78em)");
  const supported =
    window.CSS && CSS.supports("anchor-name: --a") && CSS.supports("selector(::details-content)");

  const folds = () => [...document.querySelectorAll(FOLD)];
  const noteOf = (fold) => fold.closest("aside");
  // The reader's choice: a click on the summary (Enter and Space on it click too), or a link to the note.
  const chosen = (fold) => fold.dataset.reader === "1";
  const setOpen = (fold, open) => {
    if (fold.open !== open) fold.open = open;
  };

  const targeted = () => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    const fold = target && target.querySelector(`:scope > ${FOLD}`);
    if (fold) {
      fold.dataset.reader = "1";
      setOpen(fold, true);
    }
  };

  const layout = () => {
    const all = folds();
    if (!all.length) return;
    if (!supported || !wideQuery.matches) {
      for (const fold of all) if (!chosen(fold)) setOpen(fold, true);
      return;
    }
    for (const fold of all) if (!chosen(fold)) setOpen(fold, false);
    // In reading order: opening a note moves only the notes after it, so each is decided once.
    all.forEach((fold, i) => {
      if (chosen(fold)) return;
      const next = all[i + 1] ? noteOf(all[i + 1]) : null;
      const before = next ? next.getBoundingClientRect().top : 0;
      setOpen(fold, true);
      if (next && next.getBoundingClientRect().top > before + 0.5) setOpen(fold, false);
    });
  };

  let pending = 0;
  const later = () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(layout);
  };

  document.addEventListener("click", (event) => {
    const summary = event.target.closest && event.target.closest(`${FOLD} > summary`);
    if (summary) summary.parentElement.dataset.reader = "1";
  });
  window.addEventListener("hashchange", targeted);
  wideQuery.addEventListener("change", later);
  window.addEventListener("resize", later);
  window.addEventListener("load", later);
  // Print shows every note whole; afterwards each is as it was.
  let printed = null;
  window.addEventListener("beforeprint", () => {
    printed = new Map(folds().map((fold) => [fold, fold.open]));
    for (const fold of printed.keys()) setOpen(fold, true);
  });
  window.addEventListener("afterprint", () => {
    if (printed) for (const [fold, open] of printed) setOpen(fold, open);
    printed = null;
    later();
  });
  targeted();
  layout();
})();
