# Verbos del libro. Cada uno crea el entorno .venv si falta (Python 3.11 recomendado).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.instalado
SHARED ?= ../shared
CHAPTER ?=

.PHONY: html test execute notebooks student status prune data clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip uv
	$(VENV)/bin/uv pip install --python $(PY) -q -r requirements.txt
	touch $(STAMP)

## html: construye _build/html/ desde la caché de ejecuciones completas (nunca ejecuta)
html: $(STAMP)
	$(PY) tools/bookcache.py build

## test: pruebas del paquete, de los capítulos en modo rápido, de la caché y de la web
test: $(STAMP)
	$(PY) -m pytest -q -ra

## execute: ejecuta en modo completo (todos los capítulos, o CHAPTER=nombre) y guarda en cache/
execute: $(STAMP)
	$(PY) tools/bookcache.py execute $(CHAPTER)
	$(PY) tools/bookcache.py notebooks

## notebooks: regenera los .ipynb sin salidas que abren Colab y Binder
notebooks: $(STAMP)
	$(PY) tools/bookcache.py notebooks

## student: cuadernos sin soluciones para asignar como tarea (en _build/estudiante/)
student: $(STAMP)
	$(PY) tools/bookcache.py student --out _build/estudiante

## status: estado de la caché capítulo a capítulo
status: $(STAMP)
	$(PY) tools/bookcache.py status

## prune: borra de la caché las ejecuciones que ya no corresponden a ningún capítulo
prune: $(STAMP)
	$(PY) tools/bookcache.py prune

## data: copia local de los datos para máquinas sin internet (export CNNLAB_DATA_DIR=$$HOME/cnnlab-data)
data: $(STAMP)
	$(PY) $(SHARED)/data/prepare.py $(HOME)/cnnlab-data

clean:
	rm -rf _build
