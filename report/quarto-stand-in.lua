--[[
quarto-stand-in.lua -- what Quarto does for the report, for plain Pandoc (HTML and Typst):
cross references, the Spanish date of `date: today` and conditional content.

Used ONLY by the Pandoc renderer (report/pandoc.yaml). When the Quarto CLI renders
the report, Quarto does all of this itself and this filter is not loaded.
Therefore the .qmd must use syntax that both Quarto and this filter understand:

  Figures (an image alone in its paragraph, id prefixed with "fig-"):

      ![Leyenda en español](figures/perdida.svg){#fig-perdida}

  Tables (canonical form: a div with an id prefixed with "tbl-"; the table comes
  first and the LAST paragraph of the div is the caption):

      ::: {#tbl-resumen}
      | Optimizador | Pérdida |
      |-------------|---------|
      | SGD         | 0,12    |

      Resumen de resultados.
      :::

    The Pandoc caption form `: Resumen de resultados. {#tbl-resumen}` placed
    right after the table is accepted too (Quarto also honours it).

  Sections (optional; id prefixed with "sec-"):  # Introducción {#sec-intro}

  References in the text:  @fig-perdida, @tbl-resumen, @sec-intro
    -> "Figura 1", "Tabla 1", "Sección 1" (a link to the element).
    [-@fig-perdida] -> just the number ("1"), as in Quarto.

Numbering: figures and tables WITH a caption are numbered in document order;
uncaptioned ones are not numbered and cannot be referenced (style.typ has a
Typst rule `figure.where(caption: none)` -> no numbering, so Typst agrees).

Output:
  * HTML: the filter numbers everything itself, prefixes captions with
    "Figura N: " / "Tabla N: " and turns references into links. Tables are
    wrapped in <div class="table-wrap"> so they scroll horizontally on phones.
  * Typst: numbering is left to Typst (lang "es" gives "Figura"/"Tabla");
    references become raw Typst `#ref(<fig-x>)` pointing at the labels that
    Pandoc writes after each figure/table, so the numbers match and nothing is
    doubled.

Unknown references (e.g. @fig-typo or a bibliographic @key) emit a warning on
stderr and are rendered as a bold "?@key" (like Quarto); the render does not fail.

The filter also sets a Spanish "Índice" TOC title when `lang` is Spanish and
none is given, and writes `date: today` or an ISO date (2024-05-01) in Spanish, as Quarto's
`date-format: long` does ("27 de noviembre de 2026").
]]

local stringify = pandoc.utils.stringify

local is_typst = FORMAT:match("typst") ~= nil

local PREFIXES = {
  fig = { name = "Figura" },
  tbl = { name = "Tabla" },
  sec = { name = "Sección" },
}

-- id -> { kind = "fig"|"tbl"|"sec", number = "N" }
local registry = {}
local warned = {}

local function warn(msg)
  io.stderr:write("[quarto-stand-in.lua] AVISO: " .. msg .. "\n")
end

local function kind_of(id)
  if id == nil or id == "" then
    return nil
  end
  local prefix = id:match("^(%a+)%-")
  if prefix and PREFIXES[prefix] then
    return prefix
  end
  return nil
end

-- Turn `::: {#tbl-x}` divs (table + caption paragraph) into captioned tables.
local function div_to_table(div)
  local id = div.identifier
  if not id:match("^tbl%-") then
    return nil
  end
  local blocks = div.content
  local table_index = nil
  for i, blk in ipairs(blocks) do
    if blk.t == "Table" then
      if table_index then
        warn("el bloque #" .. id .. " contiene más de una tabla; se numera solo la primera")
        break
      end
      table_index = i
    end
  end
  if not table_index then
    warn("el bloque #" .. id .. " no contiene ninguna tabla")
    return nil
  end
  local tbl = blocks[table_index]
  local last = blocks[#blocks]
  local rest = pandoc.Blocks({})
  if #blocks > table_index and (last.t == "Para" or last.t == "Plain") then
    tbl.caption.long = pandoc.Blocks({ pandoc.Plain(last.content) })
    for i = table_index + 1, #blocks - 1 do
      rest:insert(blocks[i])
    end
  else
    for i = table_index + 1, #blocks do
      rest:insert(blocks[i])
    end
  end
  tbl.identifier = id
  local out = pandoc.Blocks({})
  for i = 1, table_index - 1 do
    out:insert(blocks[i])
  end
  out:insert(tbl)
  out:extend(rest)
  return out
end

local function has_caption(caption)
  return caption ~= nil and caption.long ~= nil and #caption.long > 0
end

local function prefix_caption(caption, label)
  if not has_caption(caption) then
    caption.long = pandoc.Blocks({ pandoc.Plain({ pandoc.Str(label) }) })
    return caption
  end
  local first = caption.long[1]
  if first.t == "Plain" or first.t == "Para" then
    first.content:insert(1, pandoc.Str(label .. ": "))
  else
    caption.long:insert(1, pandoc.Plain({ pandoc.Str(label .. ":") }))
  end
  return caption
end

-- Number figures, tables and headers in document order (single top-down pass).
-- Register a captioned figure or table under its number; in HTML, prefix its caption.
local function number_captioned(el, kind, label, n)
  local num = tostring(n)
  if el.identifier ~= "" then
    registry[el.identifier] = { kind = kind, number = num }
  end
  if not is_typst then
    el.caption = prefix_caption(el.caption, label .. " " .. num)
  end
  return el
end

local function number_everything(doc)
  local fig_n, tbl_n = 0, 0
  local sec = { 0, 0, 0, 0, 0, 0 }
  local function visit_figure(fig)
    if not has_caption(fig.caption) then
      return nil -- not numbered (style.typ turns numbering off for it too)
    end
    fig_n = fig_n + 1
    return number_captioned(fig, "fig", "Figura", fig_n)
  end
  local function visit_table(tbl)
    if is_typst then
      -- Typst tables sit inside a centred figure; make "default" columns left-aligned
      -- (as in the HTML) instead of inheriting the centring.
      local specs = tbl.colspecs -- a copy: modify, then assign back
      for _, spec in ipairs(specs) do
        if spec[1] == "AlignDefault" then
          spec[1] = "AlignLeft"
        end
      end
      tbl.colspecs = specs
    end
    if not has_caption(tbl.caption) then
      return tbl -- not numbered (style.typ turns numbering off for it too)
    end
    tbl_n = tbl_n + 1
    return number_captioned(tbl, "tbl", "Tabla", tbl_n)
  end
  local function visit_header(h)
    if h.classes:includes("unnumbered") then
      return nil
    end
    local level = h.level
    sec[level] = sec[level] + 1
    for i = level + 1, #sec do
      sec[i] = 0
    end
    if h.identifier ~= "" then
      local parts = {}
      for i = 1, level do
        parts[#parts + 1] = tostring(sec[i])
      end
      registry[h.identifier] = { kind = "sec", number = table.concat(parts, ".") }
    end
    return nil
  end
  return doc:walk({
    traverse = "topdown",
    Figure = visit_figure,
    Table = visit_table,
    Header = visit_header,
  })
end

local function resolve_cite(cite)
  if #cite.citations ~= 1 then
    -- Several keys in one bracket: resolve each one separately.
    local out = pandoc.Inlines({})
    for i, c in ipairs(cite.citations) do
      if i > 1 then
        out:insert(pandoc.Str(i == #cite.citations and " y " or ", "))
      end
      local single = pandoc.Cite({ pandoc.Str("@" .. c.id) }, { c })
      out:extend(resolve_cite(single))
    end
    return out
  end
  local c = cite.citations[1]
  local id = c.id
  local entry = registry[id]
  if entry == nil and id:match("^%u") then
    -- Quarto allows @Fig-x / @Tbl-x for sentence-initial references.
    local lower = id:sub(1, 1):lower() .. id:sub(2)
    if registry[lower] then
      id = lower
      entry = registry[lower]
    end
  end
  if entry == nil then
    if not warned[id] then
      warned[id] = true
      if kind_of(id) then
        warn("referencia desconocida @" .. id .. " (no existe ningún elemento con ese id)")
      else
        warn("referencia @" .. id .. " no reconocida (use los prefijos fig-, tbl- o sec-)")
      end
    end
    return pandoc.Inlines({ pandoc.Strong({ pandoc.Str("?@" .. id) }) })
  end
  local number_only = c.mode == "SuppressAuthor"
  if is_typst then
    local raw
    if number_only then
      raw = "#ref(<" .. id .. ">, supplement: none);"
    else
      raw = "#ref(<" .. id .. ">);"
    end
    return pandoc.Inlines({ pandoc.RawInline("typst", raw) })
  end
  local text
  if number_only then
    text = entry.number
  else
    text = PREFIXES[entry.kind].name .. "\u{a0}" .. entry.number
  end
  local link = pandoc.Link({ pandoc.Str(text) }, "#" .. id)
  link.classes = { "quarto-xref" }
  return pandoc.Inlines({ link })
end

local MONTHS = {
  "enero",
  "febrero",
  "marzo",
  "abril",
  "mayo",
  "junio",
  "julio",
  "agosto",
  "septiembre",
  "octubre",
  "noviembre",
  "diciembre",
}

local function fix_meta(meta)
  local lang = meta.lang and stringify(meta.lang) or ""
  if lang:match("^es") and meta["toc-title"] == nil then
    meta["toc-title"] = pandoc.MetaInlines({ pandoc.Str("Índice") })
  end
  -- `date: today` or an ISO date, written as Quarto's `date-format: long` writes it in Spanish.
  local date = meta.date ~= nil and stringify(meta.date) or ""
  local year, month, day = date:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if date == "today" then
    local t = os.date("*t")
    year, month, day = t.year, t.month, t.day
  end
  if year ~= nil then
    meta.date = pandoc.MetaInlines({
      pandoc.Str(string.format("%d de %s de %d", day, MONTHS[tonumber(month)], year)),
    })
  end
  return meta
end

-- Quarto's conditional content, ::: {.content-visible when-format="html"} ... :::,
-- kept only in the matching output ("pdf" counts as Typst).
local function keep_for_format(div)
  local wanted = div.attributes["when-format"]
  if not (div.classes:includes("content-visible") and wanted) then
    return nil
  end
  local here = is_typst and { typst = true, pdf = true } or { html = true }
  if here[wanted] then
    return div.content
  end
  return {}
end

-- HTML: the caption goes above the table, outside the horizontally scrolling box, so that
-- on a phone it wraps to the screen instead of scrolling away with a wide table. The
-- table's id moves to the outer block, which holds caption and table together.
local function wrap_table(tbl)
  local blocks = {}
  if #tbl.caption.long > 0 then
    table.insert(blocks, pandoc.Div(tbl.caption.long, pandoc.Attr("", { "table-caption" })))
    tbl.caption = pandoc.Caption({})
  end
  local id = tbl.identifier
  tbl.identifier = ""
  table.insert(blocks, pandoc.Div({ tbl }, pandoc.Attr("", { "table-wrap" })))
  return pandoc.Div(blocks, pandoc.Attr(id, { "table-block" }))
end

function Pandoc(doc)
  doc = doc:walk({ Div = keep_for_format })
  doc = doc:walk({ Div = div_to_table })
  doc = number_everything(doc)
  doc = doc:walk({ Cite = resolve_cite })
  if not is_typst then
    doc = doc:walk({ Table = wrap_table })
  end
  doc.meta = fix_meta(doc.meta)
  return doc
end
