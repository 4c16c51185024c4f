/*
 * Previews of glossary terms and notes, so a reader can check a definition or
 * a note without losing their place in the essay.
 *
 * Hovering (mouse), focusing with the keyboard or tapping a term link or a
 * note number shows a small popup holding a copy of the definition (from the
 * glossary page, fetched once from the same site) or of the note (on the same
 * page). A second tap, or the link at the foot of the popup, follows the link.
 * Esc, moving away or focusing elsewhere closes it.
 *
 * The popup is built only from cloned DOM nodes of the book's own pages, never
 * from HTML strings, so the essay's text reaches the reader exactly as the page
 * shows it. Without JavaScript, or where the glossary cannot be fetched (a book
 * opened from file://), the links simply work as links.
 */
(() => {
  "use strict";

  const TERM_LINK = "a.reference.internal";
  const NOTE_LINK = "a.footnote-reference";
  const POPUP_CLASS = "essaybook-preview";
  const SHOW_DELAY = 120; // ms: skimming the mouse across a line opens nothing
  const HIDE_DELAY = 250; // ms: time to move the mouse from the link into the popup
  const GAP = 6; // px between the link and the popup
  const MARGIN = 8; // px kept free at the edges of the window

  const pages = new Map(); // page URL without fragment -> Promise<Document|null>
  let current = null; // { trigger, popup, how } while a popup is open
  let showTimer = 0;
  let hideTimer = 0;
  let lastPointer = ""; // pointerType of the latest pointerdown
  let lastPointerAt = 0;
  let suppressed = null; // a link whose popup was closed with Esc while focused
  let serial = 0;

  const inPopup = (node) => !!(node && node.closest && node.closest(`.${POPUP_CLASS}`));

  /** The preview link under `node`, if any: a term link or a note number. */
  const triggerOf = (node) => {
    if (!node || !node.closest || inPopup(node)) return null;
    const link = node.closest("a[href]");
    if (!link) return null;
    if (link.matches(NOTE_LINK)) return link;
    if (link.matches(TERM_LINK) && link.querySelector(":scope > span.xref.std-term")) return link;
    return null;
  };

  const samePage = (url) =>
    url.origin === location.origin && url.pathname === location.pathname && url.search === location.search;

  const pageDocument = (url) => {
    if (samePage(url)) return Promise.resolve(document);
    const key = url.origin + url.pathname;
    if (!pages.has(key)) {
      pages.set(
        key,
        fetch(key, { credentials: "same-origin" })
          .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
          .then((text) => new DOMParser().parseFromString(text, "text/html"))
          .catch(() => {
            pages.delete(key); // try again next time (e.g. after a network hiccup)
            return null;
          }),
      );
    }
    return pages.get(key);
  };

  /** Copy `nodes` into this document, made safe to show a second time. */
  const cloneInto = (container, nodes, base) => {
    for (const node of nodes) container.appendChild(document.importNode(node, true));
    container
      .querySelectorAll("script, style, iframe, object, embed, form, .headerlink, .where-used, [role='doc-backlink']")
      .forEach((el) => el.remove());
    for (const el of [container, ...container.querySelectorAll("*")]) {
      for (const attr of [...el.attributes]) {
        if (attr.name === "id" || attr.name.startsWith("on") || attr.name.startsWith("aria-")) {
          if (el !== container) el.removeAttribute(attr.name);
        }
      }
    }
    // Links keep pointing where they pointed on their own page.
    container.querySelectorAll("a[href]").forEach((a) => {
      const url = new URL(a.getAttribute("href"), base);
      a.setAttribute("href", url.protocol === "http:" || url.protocol === "https:" || url.protocol === "file:" ? url.href : "#");
    });
  };

  const footLink = (href, text) => {
    const p = document.createElement("p");
    p.className = "essaybook-preview-more";
    const a = p.appendChild(document.createElement("a"));
    a.href = href;
    a.textContent = text;
    return p;
  };

  /** Build the popup's content for `trigger`; resolves to null if there is none. */
  const contentFor = (trigger) => {
    const url = new URL(trigger.href, location.href);
    const id = decodeURIComponent(url.hash.slice(1));
    if (!id) return Promise.resolve(null);
    const isNote = trigger.matches(NOTE_LINK);
    return pageDocument(url).then((doc) => {
      if (!doc) return null;
      const target = doc.getElementById(id);
      if (!target) return null;
      const box = document.createElement("div");
      const title = document.createElement("p");
      title.className = "essaybook-preview-title";
      if (isNote) {
        const label = target.querySelector(".label");
        const number = label ? label.textContent.replace(/[\[\]\s]/g, "") : "";
        title.textContent = number ? `Note ${number}` : "Note";
        box.appendChild(title);
        // On web pages a note's text is inside its fold (essaybook-margins.css): the popup shows the text.
        const parts = [...target.children].flatMap((el) =>
          el.matches("details.sidenote-fold") ? [...el.children].filter((c) => !c.matches("summary")) : [el],
        );
        cloneInto(box, parts.filter((el) => !el.matches(".label")), url.href);
        box.appendChild(footLink(url.href, "Go to the note"));
      } else {
        let dd = target.nextElementSibling;
        while (dd && dd.tagName !== "DD") dd = dd.nextElementSibling;
        if (!dd) return null;
        const name = target.cloneNode(true);
        name.querySelectorAll(".headerlink").forEach((el) => el.remove());
        title.textContent = name.textContent.trim();
        box.appendChild(title);
        cloneInto(box, [...dd.children], url.href);
        box.appendChild(footLink(url.href, "Open in the glossary"));
      }
      return box;
    });
  };

  const place = () => {
    if (!current) return;
    const { trigger, popup } = current;
    const rects = trigger.getClientRects();
    const rect = rects.length ? rects[0] : trigger.getBoundingClientRect();
    const width = Math.min(popup.offsetWidth, window.innerWidth - 2 * MARGIN);
    const height = popup.offsetHeight;
    let top = rect.bottom + GAP;
    if (top + height > window.innerHeight - MARGIN && rect.top - GAP - height >= MARGIN) {
      top = rect.top - GAP - height;
    }
    const left = Math.max(MARGIN, Math.min(rect.left, window.innerWidth - MARGIN - width));
    popup.style.left = `${Math.round(left)}px`;
    popup.style.top = `${Math.round(top)}px`;
  };

  const close = (restoreFocus) => {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (!current) return;
    const { trigger, popup } = current;
    const focusWasInside = popup.contains(document.activeElement);
    current = null;
    trigger.removeAttribute("aria-describedby");
    trigger.removeAttribute("aria-expanded");
    popup.remove();
    if (restoreFocus && focusWasInside) {
      suppressed = trigger;
      trigger.focus();
    }
  };

  const open = (trigger, how) => {
    clearTimeout(hideTimer);
    if (current && current.trigger === trigger) {
      if (how === "tap" || how === "focus") current.how = how;
      return;
    }
    return contentFor(trigger).then((box) => {
      if (!box) return;
      close(false);
      const popup = box;
      popup.className = POPUP_CLASS;
      popup.id = `essaybook-preview-${++serial}`;
      popup.setAttribute("role", "tooltip");
      popup.addEventListener("pointerenter", () => clearTimeout(hideTimer));
      popup.addEventListener("pointerleave", (event) => {
        if (event.pointerType === "mouse" && current && current.how === "hover") scheduleHide();
      });
      // Right after the link, so Tab moves from the link into the popup's links.
      trigger.after(popup);
      trigger.setAttribute("aria-describedby", popup.id);
      trigger.setAttribute("aria-expanded", "true");
      current = { trigger, popup, how };
      place();
    });
  };

  const scheduleShow = (trigger, how) => {
    clearTimeout(showTimer);
    showTimer = setTimeout(() => open(trigger, how), SHOW_DELAY);
  };

  const scheduleHide = () => {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(() => close(false), HIDE_DELAY);
  };

  document.addEventListener("pointerover", (event) => {
    if (event.pointerType !== "mouse") return;
    const trigger = triggerOf(event.target);
    if (trigger) {
      if (current && current.trigger === trigger) clearTimeout(hideTimer);
      else scheduleShow(trigger, "hover");
    }
  });

  document.addEventListener("pointerout", (event) => {
    if (event.pointerType !== "mouse") return;
    const trigger = triggerOf(event.target);
    if (!trigger) return;
    const to = event.relatedTarget;
    if (to && (trigger.contains(to) || (current && current.popup.contains(to)))) return;
    clearTimeout(showTimer);
    if (current && current.trigger === trigger && current.how === "hover") scheduleHide();
  });

  document.addEventListener("pointerdown", (event) => {
    lastPointer = event.pointerType;
    lastPointerAt = Date.now();
    if (current && !current.popup.contains(event.target) && !current.trigger.contains(event.target)) close(false);
  });

  document.addEventListener("focusin", (event) => {
    const trigger = triggerOf(event.target);
    if (!trigger) return;
    if (suppressed === trigger) return;
    // Only keyboard focus: a tap or a click also focuses the link, and is handled as such.
    if (trigger.matches(":focus-visible")) open(trigger, "focus");
  });

  document.addEventListener("focusout", (event) => {
    if (suppressed && event.target === suppressed) suppressed = null;
    if (!current || current.how === "hover") return;
    const to = event.relatedTarget;
    if (to && (current.trigger.contains(to) || current.popup.contains(to))) return;
    if (current.how === "tap" && !to) return; // a tap on plain text blurs without closing
    close(false);
  });

  document.addEventListener(
    "click",
    (event) => {
      const trigger = triggerOf(event.target);
      if (!trigger) return;
      const touch = lastPointer === "touch" && Date.now() - lastPointerAt < 1500;
      if (!touch) return; // mouse and keyboard follow the link at once
      if (current && current.trigger === trigger && current.how === "tap") {
        close(false); // second tap: follow the link
        return;
      }
      event.preventDefault();
      open(trigger, "tap");
    },
    true,
  );

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && current) {
      event.preventDefault();
      close(true);
      if (document.activeElement && triggerOf(document.activeElement)) suppressed = document.activeElement;
    }
  });

  window.addEventListener("scroll", () => current && place(), { passive: true });
  window.addEventListener("resize", () => current && place());
  window.addEventListener("beforeprint", () => close(false));
})();
