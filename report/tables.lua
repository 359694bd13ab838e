--[[
tables.lua -- every table sizes its columns to their content, in both renderers and formats.

Pandoc gives a pipe table whose rows are longer than 72 characters fixed relative column widths
taken from its dashes (`|:--|--:|`): equal columns, so short numbers get as much room as long
labels and long cells wrap into tall rows. The report's tables are data tables: natural
("auto") widths suit them, and Typst and browsers still wrap a table wider than the page.
]]

function Table(tbl)
  for i, spec in ipairs(tbl.colspecs) do
    tbl.colspecs[i] = { spec[1], pandoc.ColWidthDefault }
  end
  return tbl
end
