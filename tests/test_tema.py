"""Arreglos del tema: textos en inglés, script repetido y mensajes de la búsqueda."""

import tema


def test_attributes_and_table_headers_are_translated():
    html = ('<a title="Link to this heading">¶</a><button aria-label="Launch on Colab" '
            'title="Toggle primary sidebar"></button><input placeholder="Search this book...">'
            '<th class="head"><p>Run Time (s)</p></th><p title="Otra cosa">Page</p>')
    out = tema.translate_html(html)
    for spanish in ("Enlace a este encabezado", "Abrir en Colab", "Mostrar u ocultar el índice",
                    "Buscar en el libro…", "Tiempo (s)"):
        assert spanish in out
    assert 'title="Otra cosa">Page</p>' in out  # el texto del contenido no se toca


def test_image_and_equation_links_are_translated():
    html = ('<a class="headerlink" href="#fig" title="Link to this image">#</a>'
            '<a class="headerlink" href="#equation-x" title="Link to this equation">#</a>')
    out = tema.translate_html(html)
    assert 'title="Enlace a esta imagen"' in out and 'title="Enlace a esta ecuación"' in out
    assert "Link to this" not in out


def test_togglebutton_script_is_translated():
    js = ('var collapseButton = `\n  <button type="button" id="${buttonID}" '
          'data-toggle-hint="${toggleHintShow}"\n          aria-label="Toggle hidden content"\n'
          '          aria-expanded="false">`;')
    out = tema.translate_attributes(js)
    assert 'aria-label="Mostrar u ocultar el contenido"' in out
    assert "Toggle hidden content" not in out
    assert 'data-toggle-hint="${toggleHintShow}"' in out  # el resto del script, intacto
    assert "togglebutton.js" in tema.TRANSLATED_SCRIPTS


def test_repeated_head_scripts_are_dropped_once():
    html = ("<head>\n<script>const A = 1;</script>\n<script src='x.js'></script>\n"
            "<script>const A = 1;</script>\n</head><body><script>const A = 1;</script></body>")
    out = tema.drop_repeated_scripts(html)
    assert out.count("<script>const A = 1;</script>") == 2  # uno en head, el del body intacto
    assert "x.js" in out


def test_search_no_results_message_is_fixed():
    js = ('Documentation.addTranslations({"messages": {"Your search did not match any '
          'documents. Please make sure...": "Su b\\u00fasqueda no coincide con ning\\u00fan '
          'documentos."}})')
    out = tema.fix_search_messages(js)
    assert "ning\\u00fan documentos" not in out and "Revisa que todas" in out.encode().decode(
        "unicode_escape")


def test_exec_table_cells_use_the_book_number_format():
    row = ('<tr><td><p><a href="x.html">book/x</a></p></td><td><p>2026-11-30 16:21</p></td>'
           '<td><p>cache</p></td><td><p>{}</p></td><td><p>✅</p></td></tr>')
    exec_table = ('<table class="table"><thead><tr><th class="head"><p>Run Time (s)</p></th>'
                  '</tr></thead><tbody>' + row.format("2358.7") + row.format("77.1")
                  + row.format("12345") + '</tbody></table>')
    other = ('<table class="table"><tbody><tr><td><p>2358.7</p></td><td><p>cache</p></td>'
             '</tr></tbody></table>')
    out = tema.translate_html(exec_table + other)
    fixed, untouched = out.split('</table>')[0], out.split('</table>')[1]
    assert "<td><p>2\u202f358.7</p></td>" in fixed
    assert "<td><p>12\u202f345</p></td>" in fixed
    assert "<td><p>77.1</p></td>" in fixed
    assert "<td><p>caché</p></td>" in fixed and "cache</p>" not in fixed
    assert "<td><p>2026-11-30 16:21</p></td>" in fixed  # la fecha no es un número
    assert "<td><p>2358.7</p></td><td><p>cache</p></td>" in untouched  # otra tabla: igual


def test_exec_table_names_each_chapter_by_its_title():
    table = ('<table><thead><tr><th class="head"><p>Run Time (s)</p></th></tr></thead><tbody>'
             '<tr><td><p><a href="02.html"><span class="doc">book/02</span></a></p></td></tr>'
             '<tr><td><p><a href="03.html"><span class="doc">book/03</span></a></p></td></tr>'
             '</tbody></table>')
    out = tema.translate_html(table, {"book/02": "Agrupamiento & paso"})
    assert '<span class="doc">Agrupamiento &amp; paso</span>' in out
    assert '<span class="doc">book/03</span>' in out  # sin título conocido: el nombre
