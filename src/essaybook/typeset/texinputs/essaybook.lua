-- essaybook.lua: what LuaLaTeX needs to print an essay in any script.
--
-- Loaded by essaybook.sty. Two node-list filters run after luaotfload has
-- chosen each character's font (with its fallbacks) and shaped the text with
-- HarfBuzz:
--
-- * A word too wide for the line (a 10,000-letter string, a 200-character
--   title, a Sanskrit compound) gets break points between its clusters, so
--   it runs on to the next line instead of off the page. Ordinary words are
--   never touched, and no hyphen is added: every character a reader sees is
--   the author's.
-- * Chinese, Japanese and Korean may break between any two characters,
--   except before closing punctuation and small kana or after opening
--   punctuation (the core of Unicode's line breaking rules for them); babel
--   does this too, but asks for the whole font at every character, which a
--   long paragraph cannot afford.
-- * A character that no installed font has (a private-use code point, a rare
--   CJK extension) is printed as a framed box showing its code point, which a
--   PDF reader copies as the character itself. Without this the reader would
--   see nothing at all, and TeX would only say so in its log.

local D = node.direct
local todirect, tonode = D.todirect, D.tonode
local getid, getnext, getprev = D.getid, D.getnext, D.getprev
local getwidth, getkern = D.getwidth, D.getkern
local getfont, getchar = D.getfont, D.getchar
local getpenalty, getsubtype = D.getpenalty, D.getsubtype
local insert_before, insert_after, remove = D.insert_before, D.insert_after, D.remove
local new, setglue, setpenalty = D.new, D.setglue, D.setpenalty
local getproperty = D.getproperty
local traverse_char = D.traverse_char
local hpack, setfield, getfield = D.hpack, D.setfield, D.getfield
local setfont, setchar, setlink, setlist = D.setfont, D.setchar, D.setlink, D.setlist
local getattributelist, setattributelist = D.getattributelist, D.setattributelist

local GLYPH, GLUE, PENALTY, KERN, DISC = node.id("glyph"), node.id("glue"), node.id("penalty"), node.id("kern"), node.id("disc")
local HLIST, VLIST, RULE, MATH = node.id("hlist"), node.id("vlist"), node.id("rule"), node.id("math")
local WHATSIT = node.id("whatsit")
local PDF_LITERAL = node.subtype("pdf_literal")

essaybook = essaybook or {}
-- A run of text wider than this share of the line may break between clusters.
essaybook.long_share = 0.5
-- The cost of such a break: enough that TeX prefers the spaces between words.
essaybook.break_penalty = 150
-- Stretch at the end of a line broken inside a word, so it counts as a
-- ragged line rather than an underfull one.
essaybook.break_stretch = tex.sp("3em")

-- Unicode's default-ignorable code points have no glyph by design.
local function ignorable(cp)
  return cp == 0x00AD or cp == 0x034F or cp == 0x061C or (cp >= 0x115F and cp <= 0x1160)
    or (cp >= 0x17B4 and cp <= 0x17B5) or (cp >= 0x180B and cp <= 0x180F)
    or (cp >= 0x200B and cp <= 0x200F) or (cp >= 0x202A and cp <= 0x202E)
    or (cp >= 0x2060 and cp <= 0x206F) or cp == 0x3164 or (cp >= 0xFE00 and cp <= 0xFE0F)
    or cp == 0xFEFF or cp == 0xFFA0 or (cp >= 0xFFF0 and cp <= 0xFFF8)
    or (cp >= 0x1BCA0 and cp <= 0x1BCA3) or (cp >= 0x1D173 and cp <= 0x1D17A)
    or (cp >= 0xE0000 and cp <= 0xE0FFF)
end

-- Runs before luaotfload, on characters: a font "has" one when its fallback
-- fonts do.
local function width_of(n)
  local id = getid(n)
  if id == GLYPH or id == HLIST or id == VLIST or id == RULE then
    return getwidth(n)
  elseif id == KERN then
    return getkern(n)
  end
  return 0
end

-- Where a line may end between two nodes: a space, a penalty below 10000, a
-- discretionary (a hyphenation point, babel's Thai and CJK breaks).
local function breaks_here(n)
  local id = getid(n)
  return id == GLUE or id == MATH or ((id == PENALTY or id == DISC) and getfield(n, "penalty") < 10000)
end

-- Whether a break may go just before glyph n: HarfBuzz leaves the cluster's
-- text on its first glyph only (luaotfload's "glyph_info"), so a glyph with an
-- empty one continues a cluster (a mark, a ligature part, a conjunct).
local function starts_cluster(n)
  if getid(n) ~= GLYPH then
    return false
  end
  local props = getproperty(n)
  if props and props.glyph_info == "" then
    return false
  end
  return getwidth(n) > 0
end

local function emergency_break(head, before)
  local attrs = getattributelist(before)
  local keep = new(PENALTY)
  setpenalty(keep, 10000)
  local stretch = new(GLUE)
  setglue(stretch, 0, essaybook.break_stretch, 0, 0, 0)
  local allow = new(PENALTY)
  setpenalty(allow, essaybook.break_penalty)
  local unstretch = new(GLUE)
  setglue(unstretch, 0, -essaybook.break_stretch, 0, 0, 0)
  for _, n in ipairs({ keep, stretch, allow, unstretch }) do
    setattributelist(n, attrs)
    head = insert_before(head, before, n)
  end
  return head
end

-- Give every run of text wider than long_share of the line a break point
-- before each of its clusters.
local function break_long_runs(head)
  local limit = tex.hsize * essaybook.long_share
  local n = head
  while n do
    -- Measure the run that starts at n.
    local first, last, width = n, nil, 0
    local m = n
    while m and not breaks_here(m) do
      width = width + width_of(m)
      last = m
      m = getnext(m)
    end
    if last and width > limit then
      local cur = getnext(first)
      local stop = getnext(last)
      while cur and cur ~= stop do
        local nxt = getnext(cur)
        if starts_cluster(cur) then
          head = emergency_break(head, cur)
        end
        cur = nxt
      end
    end
    n = m and getnext(m) or nil
  end
  return head
end

-- --- Chinese, Japanese, Korean ---------------------------------------------

local function between(cp, ranges)
  for i = 1, #ranges, 2 do
    if cp >= ranges[i] and cp <= ranges[i + 1] then
      return true
    end
  end
  return false
end

-- Ideographs, kana, Hangul syllables, CJK symbols and full-width forms.
local CJK = {
  0x2E80, 0x2FDF, 0x3000, 0x303F, 0x3040, 0x30FF, 0x3100, 0x312F, 0x3190, 0x31FF, 0x3200, 0x33FF,
  0x3400, 0x4DBF, 0x4E00, 0x9FFF, 0xAC00, 0xD7A3, 0xF900, 0xFAFF, 0xFE30, 0xFE4F, 0xFF00, 0xFFEF,
  0x20000, 0x3FFFF,
}
local function set(text)
  local t = {}
  for _, cp in utf8.codes(text) do
    t[cp] = true
  end
  return t
end
-- No line starts with these: closing punctuation, small kana, iteration and
-- prolonged sound marks, combining voicing marks, Hangul vowels and finals.
local NO_BREAK_BEFORE = set("、。，．・：；？！）］｝」』】〕〗〙〛〉》〟”’ーゝゞヽヾ々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ‥…｠｡｣､･ｰﾞﾟ%),.:;!?]}")
for cp = 0x3099, 0x309A do NO_BREAK_BEFORE[cp] = true end
for cp = 0x302A, 0x302F do NO_BREAK_BEFORE[cp] = true end
for cp = 0x1160, 0x11FF do NO_BREAK_BEFORE[cp] = true end
for cp = 0xD7B0, 0xD7FF do NO_BREAK_BEFORE[cp] = true end
-- No line ends with these: opening punctuation.
local NO_BREAK_AFTER = set("（［｛「『【〔〖〘〚〈《〝“‘｢([{")

local quads = {}
local function quad(fid)
  local q = quads[fid]
  if not q then
    local f = fonts.hashes.identifiers[fid] or font.getfont(fid)
    q = f and (f.parameters and f.parameters.quad or f.size) or tex.sp("10pt")
    quads[fid] = q
  end
  return q
end

-- Every character of every paragraph is asked: the first range starts at
-- U+2E80, below which (most text) no range is searched.
local function cjk(cp)
  return cp >= 0x2E80 and between(cp, CJK)
end

-- Between two characters of which one is CJK, a glue that can stretch a
-- little and break: runs before luaotfload, on characters.
local function cjk_breaks(head)
  local prev, prev_cp, prev_cjk = nil, nil, false
  local n = head
  while n do
    local id = getid(n)
    if id == GLYPH then
      local cp = getchar(n)
      local is_cjk = cjk(cp)
      if prev and (is_cjk or prev_cjk)
          and not NO_BREAK_BEFORE[cp] and not NO_BREAK_AFTER[prev_cp]
          and not (cp >= 0x0300 and cp <= 0x036F) and not ignorable(cp) and not ignorable(prev_cp) then
        local g = new(GLUE)
        setglue(g, 0, quad(getfont(n)) // 10, 0, 0, 0)
        setattributelist(g, getattributelist(n))
        head = insert_before(head, n, g)
      end
      prev, prev_cp, prev_cjk = n, cp, is_cjk
    else
      prev, prev_cp, prev_cjk = nil, nil, false
    end
    n = getnext(n)
  end
  return head
end

-- --- characters no font has -----------------------------------------------

local missing_seen = {}

local function utf16hex(cp)
  if cp < 0x10000 then
    return string.format("%04X", cp)
  end
  cp = cp - 0x10000
  return string.format("%04X%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF))
end

local function literal(text, mode)
  local n = new(WHATSIT, PDF_LITERAL)
  setfield(n, "mode", mode)
  setfield(n, "data", text)
  return n
end

local bp = 65781.76

-- A framed box with "U+XXXX" in the glyph's own font, marked so that text
-- extraction yields the character itself.
local function code_point_box(glyph, cp)
  local fid = getfont(glyph)
  local label = string.format("%04X", cp)
  local list, tail
  for i = 1, #label do
    local g = new(GLYPH)
    setfont(g, fid)
    setchar(g, label:byte(i))
    setattributelist(g, getattributelist(glyph))
    if list then setlink(tail, g) else list = g end
    tail = g
  end
  local box = hpack(list)
  local pad = tex.sp("1pt")
  local w = getwidth(box) + 2 * pad
  local h, d = getfield(box, "height") + pad, getfield(box, "depth") + pad
  -- The frame, drawn from the box's origin on the baseline.
  local frame = literal(string.format("q 0.4 w %.3f %.3f %.3f %.3f re S Q", 0, -d / bp, w / bp, (h + d) / bp), 0)
  local left = new(KERN)
  setfield(left, "kern", pad)
  local right = new(KERN)
  setfield(right, "kern", pad)
  local starttext = literal("/Span<</ActualText<FEFF" .. utf16hex(cp) .. ">>>BDC", 1)
  local endtext = literal("EMC", 1)
  setlink(starttext, frame)
  setlink(frame, left)
  setlink(left, list)
  setlink(tail, right)
  setlink(right, endtext)
  setlist(box, nil)
  D.flush_node(box)
  local framed = hpack(starttext, w, "exactly")
  setfield(framed, "height", h)
  setfield(framed, "depth", d)
  return framed
end

-- font.getfont copies a font's table: ask once per font.
local covers = {}
local function coverage(fid)
  local c = covers[fid]
  if c == nil then
    local f = fonts.hashes.identifiers[fid] or font.getfont(fid)
    c = f and f.characters and { f.characters, f.fallback_lookup or {} } or false
    covers[fid] = c
  end
  return c
end

local function replace_missing(head)
  local found = {}
  for n, cp, fid in traverse_char(head) do
    local c = coverage(fid)
    if c and not c[1][cp] and not c[2][cp] and not ignorable(cp) then
      found[#found + 1] = n
    end
  end
  for _, n in ipairs(found) do
    local cp = getchar(n)
    if not missing_seen[cp] then
      missing_seen[cp] = true
      texio.write_nl("log", string.format("essaybook: no font has U+%04X; printed as its code point in a box", cp))
    end
    head = insert_before(head, n, code_point_box(n, cp))
    head = remove(head, n)
    D.flush_node(n)
  end
  return head
end

-- --- babel, only where it has work ---------------------------------------------
-- babel's bidi algorithm and its choice of language by character look at
-- every character of every paragraph, in Lua, through the slow node
-- interface: most of the time a long book takes. A paragraph without a
-- right-to-left character or bidi control gives its bidi nothing to do,
-- and one without a character of the languages babel switches to (Arabic,
-- Hebrew, Thai) gives its mapping nothing to do; a quick look finds out.

local function any_char(head, wanted)
  for _, cp in traverse_char(todirect(head)) do
    if wanted(cp) then
      return true
    end
  end
  return false
end

-- Bidi classes R, AL and AN, and the explicit embeddings, overrides,
-- isolates and marks.
local RTL = {
  0x0590, 0x08FF, 0xFB1D, 0xFDFF, 0xFE70, 0xFEFF, 0x10800, 0x10FFF, 0x1E800, 0x1EFFF,
  0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069,
}
local function rtl(cp)
  return between(cp, RTL)
end

function essaybook.babel_where_needed()
  if not Babel then
    return
  end
  if Babel.bidi then
    local bidi = Babel.bidi
    Babel.bidi = function(head, ...)
      if any_char(head, rtl) then
        return bidi(head, ...)
      end
      return head
    end
  end
  local map = Babel.locale_map
  if map and Babel.linebreaking and Babel.linebreaking.before then
    local ranges = {}
    for _, maps in pairs(Babel.loc_to_scr or {}) do
      for _, range in pairs(maps) do
        ranges[#ranges + 1] = range[1]
        ranges[#ranges + 1] = range[2]
      end
    end
    local function mapped(cp)
      return between(cp, ranges)
    end
    local function where_needed(head)
      if any_char(head, mapped) then
        return map(head)
      end
      return head
    end
    for i, f in ipairs(Babel.linebreaking.before) do
      if f == map then
        Babel.linebreaking.before[i] = where_needed
      end
    end
  end
end

-- --- wiring -----------------------------------------------------------------

luatexbase.add_to_callback("pre_linebreak_filter", function(head)
  return tonode(cjk_breaks(replace_missing(todirect(head))))
end, "essaybook.characters")
luatexbase.declare_callback_rule("pre_linebreak_filter", "essaybook.characters", "before", "luaotfload.node_processor")
luatexbase.add_to_callback("hpack_filter", function(head)
  return tonode(replace_missing(todirect(head)))
end, "essaybook.characters")
luatexbase.declare_callback_rule("hpack_filter", "essaybook.characters", "before", "luaotfload.node_processor")

luatexbase.add_to_callback("pre_linebreak_filter", function(head)
  return tonode(break_long_runs(todirect(head)))
end, "essaybook.long_words")
-- Widths are known once luaotfload has chosen the fonts and shaped the text.
luatexbase.declare_callback_rule("pre_linebreak_filter", "luaotfload.node_processor", "before", "essaybook.long_words")
