/*
 * Search that lands on the hit.
 *
 * Sphinx's search page links each result to the top of its page. On the search
 * page this script
 *   - keeps only the pages that hold every quoted phrase of the query
 *     ("one hell of a" matches those words in that order, not each word anywhere),
 *   - centres the summary of each result on the phrase,
 *   - shows a glossary entry's definition as the summary of a glossary result,
 *   - adds `?find=<query>` to every result link.
 * On every other page, `?find=` makes the script find the first paragraph that
 * holds the query (the essay's own text first, then any paragraph, term or list
 * item), scroll it into view, mark it, and wrap the words in <mark>.
 *
 * Everything works on text nodes and textContent: nothing from a page or a
 * query is ever parsed as HTML.
 */
(() => {
  "use strict";

  const PARAM = "find";
  const HIT_CLASS = "essaybook-hit";
  const MARK_CLASS = "essaybook-mark";

  // --- queries ----------------------------------------------------------------

  /** Quoted phrases and the remaining words of a query, lower-cased. */
  const parseQuery = (query) => {
    const phrases = [];
    const rest = String(query || "").replace(/["“”]([^"“”]+)["“”]/g, (_, phrase) => {
      const words = phrase.trim().split(/\s+/).filter(Boolean);
      if (words.length) phrases.push(words.join(" ").toLowerCase());
      return " ";
    });
    const words = rest
      .replace(/["“”]/g, " ")
      .split(/[^\p{L}\p{N}_'’-]+/u)
      .map((w) => w.replace(/^['’-]+|['’-]+$/g, "").toLowerCase())
      .filter(Boolean);
    return { phrases, words };
  };

  const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const LETTER = "[\\p{L}\\p{N}_]";
  const NOT_AFTER = `(?<!${LETTER})`;

  /** A pattern for `text`: any run of spaces, any kind of apostrophe or dash, any case. */
  const loosePattern = (text) =>
    escapeRegExp(text)
      .replace(/\s+/g, "\\s+")
      .replace(/['’‘ʼ]/g, "['’‘ʼ]")
      .replace(/\\-|[–—]/g, "[-–—‐‑]");

  const phraseRegExp = (phrase) => new RegExp(`${NOT_AFTER}${loosePattern(phrase)}(?!${LETTER})`, "giu");

  /** English endings dropped so "differences" also finds "difference" and "differed". */
  const stem = (word) => {
    for (const ending of ["ies", "es", "ed", "ing", "ly", "s"]) {
      if (word.endsWith(ending) && word.length - ending.length >= 4) return word.slice(0, -ending.length);
    }
    return word;
  };

  const wordRegExp = (word) => new RegExp(`${NOT_AFTER}${loosePattern(stem(word))}${LETTER}*`, "giu");

  // --- landing on the hit -------------------------------------------------------

  /** Text nodes under `root` with their offsets in the joined text, skipping popups. */
  const textNodes = (root) => {
    const nodes = [];
    let text = "";
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (node) =>
        node.parentElement && node.parentElement.closest(".essaybook-preview, .headerlink, script, style")
          ? NodeFilter.FILTER_REJECT
          : NodeFilter.FILTER_ACCEPT,
    });
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      nodes.push({ node, start: text.length });
      text += node.nodeValue;
    }
    return { nodes, text };
  };

  /** Wrap the text from `start` to `end` of `root` in <mark> elements, one per text node. */
  const markRange = (root, start, end) => {
    const { nodes } = textNodes(root);
    for (const { node, start: nodeStart } of nodes) {
      const nodeEnd = nodeStart + node.nodeValue.length;
      if (nodeEnd <= start || nodeStart >= end) continue;
      let piece = node;
      const from = Math.max(start, nodeStart) - nodeStart;
      const to = Math.min(end, nodeEnd) - nodeStart;
      if (from > 0) piece = piece.splitText(from);
      if (to - from < piece.nodeValue.length) piece.splitText(to - from);
      const mark = document.createElement("mark");
      mark.className = MARK_CLASS;
      piece.parentNode.insertBefore(mark, piece);
      mark.appendChild(piece);
    }
  };

  const matchesIn = (text, regexp) => [...text.matchAll(regexp)].map((m) => [m.index, m.index + m[0].length]);

  /** Candidate blocks in reading order: the fragment's target, the essay, then the rest. */
  const candidates = (main) => {
    const list = [];
    const seen = new Set();
    const add = (el) => {
      if (el && !seen.has(el) && !el.closest(".essaybook-preview")) {
        seen.add(el);
        list.push(el);
      }
    };
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id ? document.getElementById(id) : null;
    if (target && main.contains(target)) {
      if (target.matches("p, dt, li, h1, h2, h3, h4, h5, h6")) add(target);
      target.querySelectorAll("p, dt, li").forEach(add);
      if (target.tagName === "DT") {
        let dd = target.nextElementSibling;
        while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
        if (dd) dd.querySelectorAll("p").forEach(add);
      }
    }
    main.querySelectorAll(".essay-text p").forEach(add);
    main.querySelectorAll("p, dt, li, h1, h2, h3, h4, h5, h6").forEach((el) => {
      if (el.tagName === "LI" && el.querySelector("p")) return;
      add(el);
    });
    return list;
  };

  const land = () => {
    const query = new URLSearchParams(location.search).get(PARAM);
    if (!query) return;
    const { phrases, words } = parseQuery(query);
    if (!phrases.length && !words.length) return;
    const main = document.querySelector("[role='main']") || document.body;
    let best = null;
    for (const block of candidates(main)) {
      const { text } = textNodes(block);
      const phraseHits = phrases.map((p) => matchesIn(text, phraseRegExp(p)));
      if (phraseHits.some((hits) => !hits.length)) continue;
      const wordHits = words.map((w) => matchesIn(text, wordRegExp(w)));
      const found = wordHits.filter((hits) => hits.length).length + phrases.length;
      if (!found) continue;
      if (!best || found > best.found) best = { block, found, ranges: [...phraseHits.flat(), ...wordHits.flat()] };
      if (found === phrases.length + words.length) break; // everything, in the earliest block
    }
    if (!best) return;
    const { block, ranges } = best;
    // Right to left, so earlier offsets stay valid; overlapping ranges are merged.
    ranges.sort((a, b) => a[0] - b[0]);
    const merged = [];
    for (const [s, e] of ranges) {
      const last = merged[merged.length - 1];
      if (last && s <= last[1]) last[1] = Math.max(last[1], e);
      else merged.push([s, e]);
    }
    for (const [s, e] of merged.reverse()) markRange(block, s, e);
    block.classList.add(HIT_CLASS);
    if (!block.hasAttribute("tabindex")) block.setAttribute("tabindex", "-1");
    block.focus({ preventScroll: true });
    // At once, not with the theme's smooth scrolling: the reader arrives at the place.
    block.scrollIntoView({ block: "center", behavior: "instant" });
  };

  // --- the search page ------------------------------------------------------------

  const pages = new Map();
  const fetchPage = (url) => {
    if (!pages.has(url)) {
      pages.set(
        url,
        fetch(url)
          .then((r) => (r.ok ? r.text() : ""))
          .then((html) => new DOMParser().parseFromString(html, "text/html"))
          .catch(() => null),
      );
    }
    return pages.get(url);
  };

  /** The page a result [docname, title, anchor, ...] comes from, as Sphinx builds it. */
  const resultUrl = (docName) => {
    const root = document.documentElement.dataset.content_root || "";
    if (DOCUMENTATION_OPTIONS.BUILDER === "dirhtml") {
      let dir = `${docName}/`;
      if (dir.match(/\/index\/$/)) dir = dir.slice(0, -6);
      else if (dir === "index/") dir = "";
      return root + dir;
    }
    return root + docName + DOCUMENTATION_OPTIONS.FILE_SUFFIX;
  };

  const BLOCKS = "p, dt, dd, li, h1, h2, h3, h4, h5, h6, div, section, aside, td, th, caption, figcaption, br";

  /** The text of `el` with a space after every block, so "goatee" and its definition stay two words. */
  const blockText = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(".headerlink, script, style").forEach((x) => x.remove());
    copy.querySelectorAll(BLOCKS).forEach((x) => x.append(" "));
    return copy.textContent.replace(/\s+/g, " ").trim();
  };

  /** The text a result stands for: its anchored block (a term with its definition) or the page. */
  const resultText = (doc, anchor) => {
    if (!doc) return "";
    const main = doc.querySelector("[role='main']");
    if (!main) return "";
    const target = anchor ? doc.getElementById(decodeURIComponent(anchor.slice(1))) : null;
    if (target && main.contains(target)) {
      let text = blockText(target);
      if (target.tagName === "DT") {
        let dd = target.nextElementSibling;
        while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
        if (dd) text += ` ${blockText(dd)}`;
      }
      return text;
    }
    return blockText(main);
  };

  const summaryParagraph = (text, at) => {
    let start = Math.max(at - 120, 0);
    if (start > 0) start = text.indexOf(" ", start) + 1 || start; // begin on a whole word
    const p = document.createElement("p");
    p.className = "context";
    let end = Math.min(start + 240, text.length);
    if (end < text.length && text.lastIndexOf(" ", end) > start) end = text.lastIndexOf(" ", end);
    p.textContent = `${start ? "... " : ""}${text.slice(start, end).trim()}${end < text.length ? " ..." : ""}`;
    return p;
  };

  /**
   * Results as Sphinx ranks them (lowest first), cleaned up: where the page was
   * fetched, an anchor it does not have becomes the page itself; a place listed
   * twice is listed once, as a glossary entry if it is one.
   */
  const tidy = (results, docs) => {
    const KIND_RANK = { object: 0, title: 1, index: 2, text: 3 };
    const entries = results.map((result, i) => {
      const doc = docs[i];
      let anchor = result[2];
      if (anchor && doc && !doc.getElementById(decodeURIComponent(anchor.slice(1)))) anchor = "";
      const fixed = [...result];
      fixed[2] = anchor;
      if (anchor !== result[2] && fixed[6] === "index") fixed[6] = "text";
      return { result: fixed, doc, key: `${fixed[0]}${anchor}` };
    });
    const best = new Map();
    entries.forEach((entry, i) => {
      const other = best.get(entry.key);
      const rank = KIND_RANK[entry.result[6]] ?? 9;
      if (!other || rank < other.rank || (rank === other.rank && i > other.i)) best.set(entry.key, { i, rank });
    });
    return entries.filter((entry, i) => best.get(entry.key).i === i);
  };

  let findValue = "";

  const setUpSearchPage = () => {

    Search.query = (query) => {
      const parsed = Search._parseQuery(query);
      const [, searchTerms, , highlightTerms] = parsed;
      // The result links carry the query; Sphinx's page-wide highlighting would repeat it.
      localStorage.removeItem("sphinx_highlight_terms");
      const { phrases } = parseQuery(query);
      const phraseWords = new Set(phrases.flatMap((p) => p.split(" ")));
      const words = [...highlightTerms].filter((t) => !phraseWords.has(t));
      findValue = [...phrases.map((p) => `"${p}"`), ...words].join(" ");
      const results = Search._performSearch(...parsed);
      // Only a quoted phrase needs the pages before listing (to keep those that hold it);
      // otherwise results show at once and Sphinx fetches summaries one by one, as it does
      // without this script, so a large book does not download every result page first.
      const pages = phrases.length ? Promise.all(results.map((result) => fetchPage(resultUrl(result[0])))) : Promise.resolve([]);
      pages.then((docs) => {
        const kept = tidy(results, docs).filter(
          ({ result, doc }) => !phrases.length || phrases.every((p) => phraseRegExp(p).test(resultText(doc, result[2]))),
        );
        const list = kept.map(({ result }) => result);
        _displayNextItem(list, list.length, searchTerms, highlightTerms);
      });
    };

    // Summaries centred on the first place the query matches (the phrase, else a word),
    // from text whose blocks stay apart.
    Search.makeSearchSummary = (htmlText, keywords, anchor) => {
      const doc = new DOMParser().parseFromString(htmlText, "text/html");
      const text = resultText(doc, anchor);
      if (!text) return null;
      const { phrases, words } = parseQuery(findValue);
      const patterns = [...phrases.map(phraseRegExp), ...words.map(wordRegExp)];
      const at = patterns.map((re) => text.search(re)).find((i) => i >= 0);
      return summaryParagraph(text, at === undefined ? 0 : at);
    };

    const enhance = (item) => {
      const link = item.querySelector(":scope > a[href]");
      if (!link || link.dataset.essaybookFind) return;
      link.dataset.essaybookFind = "1";
      const url = new URL(link.getAttribute("href"), location.href);
      if (findValue) url.searchParams.set(PARAM, findValue);
      link.setAttribute("href", url.href);
      // A glossary entry: its definition is the summary.
      if (item.classList.contains("kind-object") && url.hash.startsWith("#term-")) {
        url.hash = "";
        url.search = "";
        fetchPage(url.href).then((doc) => {
          const dt = doc && doc.getElementById(decodeURIComponent(link.hash.slice(1)));
          if (!dt) return;
          let dd = dt.nextElementSibling;
          while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
          const first = dd && dd.querySelector("p");
          if (!first || item.querySelector("p.context")) return;
          const text = first.textContent.replace(/\s+/g, " ").trim();
          item.appendChild(summaryParagraph(text, 0));
        });
      }
    };

    const results = document.getElementById("search-results");
    if (results) {
      new MutationObserver((records) => {
        for (const record of records) {
          record.addedNodes.forEach((node) => {
            if (node.nodeType === Node.ELEMENT_NODE && node.matches("ul.search > li")) enhance(node);
          });
        }
      }).observe(results, { childList: true, subtree: true });
    }
  };

  if (typeof Search !== "undefined" && document.getElementById("search-results")) setUpSearchPage();
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", land);
  else land();
})();
