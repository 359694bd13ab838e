--[[
print-figures.lua -- the PDF shows the print layout of each figure, for both renderers (Quarto
and plain Pandoc), in their Typst output only.

    ![Caption](figures/loss.svg){#fig-perdida}   ->   figures/print/loss.svg in the PDF

Every figure rule draws two layouts of the same figure (optireport.figures.style): the screen
one, figures/NAME.svg, that the HTML shows, and the print one, figures/print/NAME.svg, as wide as
the PDF's text and less tall. Only SVGs under figures/ are rewritten (the GIF is HTML only).
Wired in: _quarto.yml (format: typst: filters) and pandoc-typst.yaml.
]]

if not FORMAT:match("typst") then
  return {}
end

return {
  {
    Image = function(image)
      local name = image.src:match("^figures/([^/]+%.svg)$")
      if name then
        image.src = "figures/print/" .. name
        return image
      end
    end,
  },
}
