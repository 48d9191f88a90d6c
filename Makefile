# Verbos del libro. Cada uno crea el entorno .venv si falta (Python 3.11 recomendado).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.instalado
CHAPTER ?=

.PHONY: html test execute lock notebooks student grade key status prune data clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip uv
	$(VENV)/bin/uv pip install --python $(PY) -q -r requirements.lock
	$(VENV)/bin/uv pip install --python $(PY) -q --no-deps -e .
	touch $(STAMP)

## lock: regenera requirements.lock (versiones exactas de todo) desde requirements.txt
lock: $(STAMP)
	$(VENV)/bin/uv pip compile requirements.txt --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -q -o requirements.lock

## html: construye _build/html/ desde la caché de ejecuciones completas (nunca ejecuta)
html: $(STAMP)
	$(PY) tools/bookcache.py build

## test: pruebas del paquete, de los capítulos en modo rápido, de la caché y de la web
test: $(STAMP)
	$(PY) -m pytest -q -ra --durations=25

## execute: ejecuta en modo completo (todos los capítulos, o CHAPTER=nombre) y guarda en cache/
execute: $(STAMP)
	$(PY) tools/bookcache.py execute $(CHAPTER)
	$(PY) tools/bookcache.py notebooks

## notebooks: regenera los cuadernos de Colab y Binder (book/*.ipynb) y los de estudiantes (estudiante/)
notebooks: $(STAMP)
	$(PY) tools/bookcache.py notebooks

## student: la edición para estudiantes (estudiante/*.ipynb: sin soluciones, con celdas de respuesta y comprobaciones)
student: notebooks

## key: la clave de respuestas para docentes, en _build/clave/ (no se publica ni se versiona)
key: $(STAMP)
	$(PY) tools/bookcache.py key --out _build/clave

## grade: califica los cuadernos entregados (make grade ENTREGAS=carpeta NOTAS=notas.csv [CHAPTER=capítulo] [TIMEOUT=segundos por cuaderno, 300 si se omite] [TIMEOUT_CELDA=segundos por celda])
grade: $(STAMP)
	@test -n "$(ENTREGAS)" || { echo "Indica la carpeta de entregas: make grade ENTREGAS=carpeta NOTAS=notas.csv"; exit 2; }
	$(PY) tools/grade.py "$(ENTREGAS)" --out "$(or $(NOTAS),notas.csv)" $(if $(CHAPTER),--chapter $(CHAPTER)) $(if $(TIMEOUT),--timeout $(TIMEOUT)) $(if $(TIMEOUT_CELDA),--timeout-celda $(TIMEOUT_CELDA))

## status: estado de la caché capítulo a capítulo
status: $(STAMP)
	$(PY) tools/bookcache.py status

## prune: borra de la caché las ejecuciones que ya no corresponden a ningún capítulo
prune: $(STAMP)
	$(PY) tools/bookcache.py prune

## data: copia local de los datos desde los archivos oficiales en ORIGEN, en datos/ (o DESTINO=carpeta); luego export CNNLAB_DATA_DIR con esa carpeta
DESTINO ?= datos
data: $(STAMP)
	test -n "$(ORIGEN)" || (echo "Uso: make data ORIGEN=carpeta-con-los-archivos-oficiales [DESTINO=carpeta]"; exit 2)
	$(PY) -m cnnlab.prepare $(ORIGEN) $(DESTINO)
	@echo "Listo. Para usarla: export CNNLAB_DATA_DIR=$(abspath $(DESTINO))"

clean:
	rm -rf _build
