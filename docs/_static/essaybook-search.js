/*
 * Search that lands on the hit, and stays small at any size.
 *
 * On the search page this script runs Sphinx's own search (its stemmer, scores
 * and result kinds) on one of two indexes: Sphinx's whole searchindex.js for a
 * small book, or, for a large one, the few files of it that a query needs
 * (_searchindex/, written by essaybook/search.py; the page names their manifest
 * in <meta name="essaybook-search-index">). Then it
 *   - lists results 20 at a time ("More results" for the next), fetching the
 *     pages behind the summaries two at a time,
 *   - keeps only the pages that hold every quoted phrase of the query
 *     ("one hell of a" matches those words in that order, not each word anywhere),
 *   - centres the summary of each result on the phrase,
 *   - shows a glossary entry's definition as the summary of a glossary result,
 *   - adds `?find=<query>` to every result link.
 * On every other page, `?find=` makes the script find the first paragraph that
 * holds the query (the essay's own text first, then any paragraph, term or list
 * item), scroll it into view, mark it, and wrap the words in <mark>.
 *
 * Everything works on text nodes and textContent: nothing from a page, an index
 * file or a query is ever parsed as HTML.
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

  // Pages are fetched two at a time, in the order asked for: a long result list
  // asks for many summaries at once, and the first ones should not wait behind the rest.
  const queue = [];
  let inFlight = 0;
  const throttled = (url) =>
    new Promise((resolve, reject) => {
      queue.push({ url, resolve, reject });
      pump();
    });
  const pump = () => {
    while (inFlight < 2 && queue.length) {
      const { url, resolve, reject } = queue.shift();
      inFlight++;
      fetch(url)
        .then(resolve, reject)
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };

  const pages = new Map();
  const fetchPage = (url) => {
    if (!pages.has(url)) {
      pages.set(
        url,
        throttled(url)
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

  let findValue = "";

  /** A summary centred on the first place the query matches (the phrase, else a word). */
  const makeSummary = (doc, anchor) => {
    const text = resultText(doc, anchor);
    if (!text) return null;
    const { phrases, words } = parseQuery(findValue);
    const patterns = [...phrases.map(phraseRegExp), ...words.map(wordRegExp)];
    const at = patterns.map((re) => text.search(re)).find((i) => i >= 0);
    return summaryParagraph(text, at === undefined ? 0 : at);
  };

  // --- the index: Sphinx's whole file, or the few files of it a query needs ----------
  //
  // essaybook/search.py cuts a large book's index into _searchindex/; the search
  // page then names its manifest in <meta name="essaybook-search-index">. From the
  // files a query needs, this rebuilds a Sphinx index holding just those words and
  // runs Sphinx's own _performSearch on it, so stems, scores and kinds stay Sphinx's.
  // Pages known only by number stand in the results as placeholders until the
  // results are shown, when their names and titles are fetched.

  const indexMeta = document.querySelector('meta[name="essaybook-search-index"]');
  const manifestUrl = indexMeta ? new URL(indexMeta.content, location.href) : null;

  const files = new Map();
  const fetchJSON = (name) => {
    if (!files.has(name)) {
      files.set(
        name,
        fetch(new URL(name, manifestUrl)).then((r) => {
          if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
          return r.json();
        }),
      );
    }
    return files.get(name);
  };

  const placeholder = (n) => `\u0001${String(n).padStart(8, "0")}\u0002`;
  const PLACEHOLDER = /\u0001(\d{8})\u0002/g;

  /** The position of the range [first word, file] that holds `word` (ranges sorted by first word). */
  const rangeOf = (ranges, word) => {
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ranges[mid][0] <= word) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  /** The term files for `word`; with `partial`, also those of longer words that begin with it. */
  const termFiles = (manifest, word, partial) => {
    const from = rangeOf(manifest.terms, word);
    const to = partial ? rangeOf(manifest.terms, `${word}\uffff`) : from;
    return manifest.terms.slice(from, to + 1).map((range) => range[1]);
  };

  const ungap = (gaps) => {
    let page = 0;
    return gaps.map((gap) => (page += gap));
  };

  /** Places as search.py's _places writes them ([anchor, ..., [gaps]] groups) as Sphinx's [page, anchor, ...]. */
  const unplace = (groups) =>
    groups.flatMap((group) => {
      const head = group.slice(0, -1);
      let page = 0;
      return group[group.length - 1].map((gap) => [(page += gap), ...head]);
    });

  const SLUG = "\u0003"; // in an anchor: the name of its page's folder
  const pageFolder = (docName) => {
    const parts = docName.split("/");
    return parts.length > 1 ? parts[parts.length - 2] : "";
  };

  /** A Sphinx index with what the parsed query can match, and placeholders for the other pages. */
  const partialIndex = async ([query, searchTerms, excludedTerms]) => {
    const manifest = await fetchJSON("manifest.json");
    const names = new Set();
    // Sphinx looks for words longer than two letters inside longer words as well.
    searchTerms.forEach((w) => termFiles(manifest, w, w.length > 2).forEach((n) => names.add(n)));
    excludedTerms.forEach((w) => termFiles(manifest, w, false).forEach((n) => names.add(n)));
    // Sphinx matches a title or index entry only if it is at most twice as long as the query.
    const length = query.toLowerCase().trim().length;
    manifest.titles.forEach(([shortest, name]) => {
      if (shortest <= 2 * length) names.add(name);
    });
    const parts = await Promise.all([...names].map(fetchJSON));
    const index = {
      terms: {},
      titleterms: {},
      alltitles: {},
      indexentries: {},
      objects: manifest.objects,
      objnames: manifest.objnames,
      objtypes: manifest.objtypes,
      docnames: [],
      titles: [],
      filenames: [],
    };
    for (const part of parts) {
      for (const key of ["terms", "titleterms"]) {
        for (const [word, gaps] of Object.entries(part[key] || {})) index[key][word] = ungap(gaps);
      }
      for (const key of ["alltitles", "indexentries"]) {
        for (const [title, places] of Object.entries(part[key] || {})) index[key][title] = unplace(places);
      }
    }
    for (let n = 0; n < manifest.count; n++) {
      const known = manifest.known[n];
      index.docnames.push(known ? known[0] : placeholder(n));
      index.titles.push(known ? known[1] : placeholder(n));
      index.filenames.push(placeholder(n));
    }
    return index;
  };

  /** A result with its placeholders replaced by the page's name (docname, file) or title (the rest). */
  const resolve = async (result) => {
    const numbers = new Set();
    result.forEach((v) => typeof v === "string" && [...v.matchAll(PLACEHOLDER)].forEach((m) => numbers.add(+m[1])));
    if (!numbers.size) {
      const anchor = typeof result[2] === "string" ? result[2].replace(SLUG, pageFolder(result[0])) : result[2];
      return [...result.slice(0, 2), anchor, ...result.slice(3)];
    }
    const manifest = await fetchJSON("manifest.json");
    const known = new Map();
    for (const n of numbers) {
      const chunk = Math.floor(n / manifest.chunk);
      const list = await fetchJSON(manifest.docs[chunk]);
      known.set(n, list[n - chunk * manifest.chunk]);
    }
    const named = result.map((v, i) =>
      typeof v === "string" ? v.replace(PLACEHOLDER, (_, n) => known.get(+n)[i === 0 || i === 5 ? 0 : 1]) : v,
    );
    if (typeof named[2] === "string") named[2] = named[2].replace(SLUG, pageFolder(named[0]));
    return named;
  };

  /**
   * A quoted phrase is only checked by fetching pages, so the pages whose text
   * holds every word of the query come first, in reading order: a page that
   * matched a word only by its title (Sphinx's strongest score) rarely holds the
   * phrase, and at 1,000 essays checking those first fetched megabytes.
   * Other kinds (glossary entries, titles) keep Sphinx's order, ahead.
   */
  const phraseOrder = (results, searchTerms) => {
    const { terms, filenames } = Search._index;
    const fileNumber = new Map(filenames.map((f, i) => [f, i]));
    const holders = [...searchTerms].map((w) => new Set([].concat(terms[w] ?? [])));
    const inText = (r) => r[6] === "text" && holders.every((h) => h.has(fileNumber.get(r[5])));
    const first = results.filter((r) => r[6] !== "text");
    const text = results.filter(inText).sort((a, b) => fileNumber.get(a[5]) - fileNumber.get(b[5]));
    return [...first, ...text, ...results.filter((r) => r[6] === "text" && !inText(r))];
  };

  /** Sphinx's results for the parsed query, best first. */
  const rank = async (parsed, phrases) => {
    if (manifestUrl) Search._index = await partialIndex(parsed);
    const results = Search._performSearch(...parsed).reverse();
    return phrases.length ? phraseOrder(results, parsed[1]) : results;
  };

  // --- showing results --------------------------------------------------------------

  // Sphinx's own wording, translated when the catalog has a translation. Its
  // _finishSearch is not used: the en_GB catalog gives "" for these messages and a
  // plural rule that yields true/false, so it wrote nothing or threw.
  const say = (text) => Documentation.gettext(text) || text;
  const sayCount = (one, many, n) => {
    let said;
    try {
      said = Documentation.ngettext(one, many, n);
    } catch (err) {
      said = "";
    }
    return (typeof said === "string" && said) || (n === 1 ? one : many);
  };
  const finishSearch = (count) => {
    Search.stopPulse();
    Search.title.innerText = say("Search Results");
    Search.status.innerText = count
      ? sayCount(
          "Search finished, found one page matching the search query.",
          "Search finished, found ${resultCount} pages matching the search query.",
          count,
        ).replace("${resultCount}", count)
      : say(
          "Your search did not match any documents. Please make sure that all words are spelled correctly and that you've selected enough categories.",
        );
  };

  const BATCH = 20; // results shown at once; "More results" shows the next ones
  const LOOKAHEAD = 1; // results prepared (named, and fetched for a phrase) ahead of the one shown
  const KIND_RANK = { object: 0, title: 1, index: 2, text: 3 };

  /** Each place once: a glossary entry listed twice (object and index entry) stays the object. */
  const onePerPlace = (results) => {
    const best = new Map();
    results.forEach((result, i) => {
      const key = `${result[0]}${result[2]}`;
      const rank = KIND_RANK[result[6]] ?? 9;
      const other = best.get(key);
      if (!other || rank < other.rank) best.set(key, { i, rank });
    });
    return results.filter((result, i) => best.get(`${result[0]}${result[2]}`).i === i);
  };

  const highlight = (item, highlightTerms) => {
    if (typeof SPHINX_HIGHLIGHT_ENABLED !== "undefined" && SPHINX_HIGHLIGHT_ENABLED) {
      highlightTerms.forEach((term) => _highlightText(item, term, "highlighted"));
    }
  };

  /** One result as Sphinx lists it, with ?find= on its link and a summary from its page (or definition). */
  const showItem = (result, highlightTerms) => {
    const [docName, title, anchor, descr, score, , kind] = result;
    const item = document.createElement("li");
    item.classList.add(`kind-${kind}`);
    const requestUrl = resultUrl(docName);
    const linkUrl =
      DOCUMENTATION_OPTIONS.BUILDER === "dirhtml" ? requestUrl : docName + DOCUMENTATION_OPTIONS.LINK_SUFFIX;
    const url = new URL(linkUrl + anchor, location.href);
    if (findValue) url.searchParams.set(PARAM, findValue);
    const link = item.appendChild(document.createElement("a"));
    link.href = url.href;
    link.dataset.score = score;
    link.textContent = title;
    if (descr) {
      item.appendChild(document.createElement("span")).textContent = ` (${descr})`;
      highlight(item, highlightTerms);
    }
    if (kind === "object" && anchor.startsWith("#term-")) {
      // A glossary entry: its definition is the summary, from the manifest when
      // the index is in pieces (a large book's glossary page weighs megabytes).
      const fromPage = () =>
        fetchPage(requestUrl).then((doc) => {
          const dt = doc && doc.getElementById(decodeURIComponent(anchor.slice(1)));
          let dd = dt && dt.nextElementSibling;
          while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
          const first = dd && dd.querySelector("p");
          if (first) item.appendChild(summaryParagraph(first.textContent.replace(/\s+/g, " ").trim(), 0));
        });
      const known = manifestUrl
        ? fetchJSON("manifest.json")
            .then((m) => (m.definitions ? fetchJSON(m.definitions) : {}))
            .then((definitions) => definitions[docName + anchor])
        : null;
      Promise.resolve(known).then((text) => (text ? item.appendChild(summaryParagraph(text, 0)) : fromPage()));
    } else if (!descr && DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY) {
      fetchPage(requestUrl).then((doc) => {
        const summary = makeSummary(doc, anchor);
        if (summary) item.appendChild(summary);
        highlight(item, highlightTerms);
      });
    }
    Search.output.appendChild(item);
  };

  /**
   * Show `results` (best first) BATCH at a time. A quoted phrase keeps only the
   * pages that hold it, so each page is fetched before it is listed, a few ahead;
   * without a phrase a result is listed as soon as its page is named.
   */
  const showResults = (results, phrases, highlightTerms) => {
    const prepared = new Map();
    const prepare = (i) => {
      if (!prepared.has(i)) {
        prepared.set(
          i,
          (manifestUrl ? resolve(results[i]) : Promise.resolve(results[i])).then(async (result) => {
            if (!phrases.length) return { result, keep: true };
            const doc = await fetchPage(resultUrl(result[0]));
            const fixed = [...result];
            // An anchor the page does not have (a "see" entry) leads to the page itself.
            if (fixed[2] && doc && !doc.getElementById(decodeURIComponent(fixed[2].slice(1)))) {
              fixed[2] = "";
              if (fixed[6] === "index") fixed[6] = "text";
            }
            return { result: fixed, keep: phrases.every((p) => phraseRegExp(p).test(resultText(doc, fixed[2]))) };
          }),
        );
      }
      return prepared.get(i);
    };
    const listed = new Set();
    let next = 0;
    const more = async () => {
      let shown = 0;
      let firstLink = null;
      while (next < results.length && shown < BATCH) {
        // Until one result is listed, nothing is fetched ahead: the first may be the one.
        const ahead = listed.size ? LOOKAHEAD : 0;
        for (let k = next + 1; k <= next + ahead && k < results.length; k++) prepare(k);
        const { result, keep } = await prepare(next++);
        const key = `${result[0]}${result[2]}`;
        if (!keep || listed.has(key)) continue;
        listed.add(key);
        showItem(result, highlightTerms);
        firstLink = firstLink || Search.output.lastElementChild.querySelector("a");
        shown++;
      }
      return firstLink;
    };
    const finish = () => {
      if (next >= results.length) {
        finishSearch(listed.size);
        return;
      }
      // Without a phrase every result is known to match; with one, only those fetched so far are.
      finishSearch(phrases.length ? listed.size : results.length);
      Search.status.innerText = phrases.length
        ? `Search finished, showing the first ${listed.size} pages that hold the phrase.`
        : `${Search.status.innerText} Showing the first ${listed.size}.`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "essaybook-more";
      button.textContent = "More results";
      button.addEventListener("click", () => {
        button.remove();
        more().then((link) => {
          finish();
          if (link) link.focus();
        });
      });
      Search.output.after(button);
    };
    more().then(finish);
  };

  const setUpSearchPage = () => {
    // With the sharded index there is no searchindex.js to wait for.
    if (manifestUrl) Search._index = {};

    Search.query = (query) => {
      const parsed = Search._parseQuery(query);
      const [, , , highlightTerms] = parsed;
      // The result links carry the query; Sphinx's page-wide highlighting would repeat it.
      localStorage.removeItem("sphinx_highlight_terms");
      const { phrases } = parseQuery(query);
      const phraseWords = new Set(phrases.flatMap((p) => p.split(" ")));
      const words = [...highlightTerms].filter((t) => !phraseWords.has(t));
      findValue = [...phrases.map((p) => `"${p}"`), ...words].join(" ");
      rank(parsed, phrases)
        .then((results) => showResults(onePerPlace(results), phrases, highlightTerms))
        .catch((err) => {
          Search.stopPulse();
          Search.title.innerText = say("Search Results");
          Search.status.innerText = `The search index could not be loaded (${err.message}). Reload the page to try again.`;
        });
    };
  };

  // The parts of Sphinx's searchtools.js this script runs (the build checks the same in
  // essaybook.sphinx_ext.reaches): if a Sphinx release drops one, say so and leave its search alone.
  const SPHINX_SEARCH = ["setIndex", "stopPulse", "_parseQuery", "_performSearch", "query"];
  const sphinxSearchAsExpected = () => {
    const missing = SPHINX_SEARCH.filter((name) => typeof Search[name] !== "function");
    if (missing.length) console.error(`essaybook: Sphinx's searchtools.js has no ${missing.join(", ")}; its own search runs.`);
    return missing.length === 0;
  };

  if (typeof Search !== "undefined" && document.getElementById("search-results")) {
    if (sphinxSearchAsExpected()) setUpSearchPage();
  }
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", land);
  else land();
})();
