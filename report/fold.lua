--[[
fold.lua -- details a reader opens when wanted, for both renderers (Quarto and plain Pandoc).

    ::: {.fold title="Exactitud de cada semilla"}
    ...tables, figures, text...
    :::

HTML: a closed <details> block whose <summary> is the title (the report's house style uses
no JavaScript framework, so Quarto's collapsible callouts are not available). PDF (Typst):
the same content, unfolded (its caption already says what it is). Cross references inside keep working:
the content is left as it is, only wrapped.
]]

local function fold(div)
  if not div.classes:includes("fold") then
    return nil
  end
  local title = pandoc.read(div.attributes["title"] or "", "markdown").blocks
  local inlines = (#title > 0 and title[1].content) or pandoc.Inlines({})
  local blocks = {}
  if FORMAT:match("html") then
    local summary = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "html")
    table.insert(blocks, pandoc.RawBlock("html", '<details class="fold"><summary>' .. summary
      .. "</summary>"))
    for _, block in ipairs(div.content) do table.insert(blocks, block) end
    table.insert(blocks, pandoc.RawBlock("html", "</details>"))
  else
    for _, block in ipairs(div.content) do table.insert(blocks, block) end
  end
  return blocks
end

return { { Div = fold } }
