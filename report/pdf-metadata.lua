--[[
pdf-metadata.lua -- the PDF's title and author for Quarto's typst format.

Quarto's typst template (1.7) sets neither `document.title` nor `document.author`, so its PDFs
have no Title/Author metadata; Pandoc's own typst template sets both. This filter, listed only
under `format: typst` in _quarto.yml, adds the same `#set document(...)` to the header.
]]

local stringify = pandoc.utils.stringify

local function typst_string(text)
  return '"' .. text:gsub("\\", "\\\\"):gsub('"', '\\"') .. '"'
end

function Meta(meta)
  if not FORMAT:match("typst") or meta.title == nil then
    return nil
  end
  local fields = { "title: " .. typst_string(stringify(meta.title)) }
  if meta.author ~= nil then
    local names = {}
    local authors = meta.author.t == "MetaList" and meta.author or { meta.author }
    for _, author in ipairs(authors) do
      names[#names + 1] = stringify(author.name or author)
    end
    fields[#fields + 1] = "author: " .. typst_string(table.concat(names, ", "))
  end
  local header = meta["header-includes"]
  if header == nil then
    header = pandoc.MetaList({})
  elseif header.t ~= "MetaList" then
    header = pandoc.MetaList({ header })
  end
  header:insert(pandoc.MetaBlocks({
    pandoc.RawBlock("typst", "#set document(" .. table.concat(fields, ", ") .. ")"),
  }))
  meta["header-includes"] = header
  return meta
end
