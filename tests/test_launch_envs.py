"""Los entornos donde se abren los cuadernos: Binder (repo2docker) y un Colab recién abierto.

Las pruebas marcadas ``launch`` crean entornos nuevos con uv (Python 3.11), que reutiliza su
caché de ruedas: tras la primera vez, instalar TensorFlow en un entorno nuevo es cuestión de
segundos. No modifican el árbol de trabajo: Binder instala una copia del paquete y Colab, un
clon del repositorio en su *commit* actual (lo que no esté confirmado no entra en el clon).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest
from packaging.requirements import Requirement

import render

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
#: Lo único que trae el Colab simulado antes de la celda de preparación (además de pip).
COLAB_PACKAGES = {"tensorflow-cpu", "tensorflow", "keras", "matplotlib", "numpy", "ipykernel",
                  "pillow"}
KERNEL_NAME = "colab-simulado"
CHAPTER = ROOT / "book" / "01_cifar10_v1.md"
INSTALL_TIMEOUT = 1800  # sin caché (CI recién creado) hay que descargar TensorFlow
NOTEBOOK_TIMEOUT = 1800


# ---------------------------------------------------------------- utilidades


def requirement_lines(path: Path) -> list[str]:
    """Las líneas de requisitos de ``path``, sin comentarios ni líneas vacías."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def uv_binary() -> str:
    """El uv del entorno de pruebas (el Makefile lo instala en .venv) o el del PATH."""
    candidate = Path(sys.executable).with_name("uv")
    found = str(candidate) if candidate.is_file() else shutil.which("uv")
    if not found:
        pytest.skip("uv no está instalado (make lo instala en .venv)")
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """El entorno de este proceso sin nada que filtre .venv, el modo o los avisos ya silenciados."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP",
                        "TF_CPP_MIN_LOG_LEVEL", "KERAS_BACKEND", "JUPYTER_PATH"}
           and not k.startswith("CNNLAB_")}
    env.update(extra)
    return env


def run(cmd: list, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    """Ejecuta ``cmd``; si falla, la prueba falla con el final de su salida."""
    cmd = [str(c) for c in cmd]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{' '.join(cmd[:4])} … superó {timeout} s\n{error.stdout}\n{error.stderr}")
    if done.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} terminó con {done.returncode}\n"
                    f"--- stdout ---\n{done.stdout[-4000:]}\n--- stderr ---\n{done.stderr[-4000:]}")
    return done


def new_venv(path: Path, requirements: Path) -> Path:
    """Un entorno nuevo de Python 3.11 con pip (como Binder y Colab) y ``requirements``."""
    uv = uv_binary()
    env = clean_env()
    run([uv, "venv", "--quiet", "--seed", "--python", "3.11", path], env=env)
    python = path / "bin" / "python"
    run([uv, "pip", "install", "--quiet", "--python", python, "-r", requirements],
        timeout=INSTALL_TIMEOUT, env=env)
    return python


def pinned_versions(lines: list[str]) -> dict[str, str]:
    """``{paquete: versión}`` de las líneas ``==`` que aplican en esta plataforma."""
    pins = {}
    for line in lines:
        req = Requirement(line)
        if req.marker is not None and not req.marker.evaluate():
            continue
        (spec,) = req.specifier
        pins[canonical(req.name)] = spec.version
    return pins


PROBE = """
import importlib.metadata as md, importlib.util, json, sys
spec = importlib.util.find_spec("cnnlab")
info = {"prefix": sys.prefix, "cnnlab": spec.origin if spec else None, "versions": {}}
for dist in md.distributions():
    info["versions"][dist.metadata["Name"]] = dist.version
if spec:
    info["direct_url"] = json.loads(md.distribution("cnnlab").read_text("direct_url.json") or "{}")
print(json.dumps(info))
"""


def probe(python: Path, cwd: Path) -> dict:
    """Qué hay instalado en el entorno de ``python`` y de dónde sale ``cnnlab``."""
    info = json.loads(run([python, "-c", PROBE], cwd=cwd, env=clean_env()).stdout)
    info["versions"] = {canonical(k): v for k, v in info["versions"].items()}
    return info


# ---------------------------------------------------------------- Binder


def test_binder_requirements_are_cacheable_and_pinned():
    """Sin referencias locales (repo2docker instala la lista antes de copiar el repositorio y
    guarda esa capa), todo con ``==`` y TensorFlow/Keras como en el entorno del libro."""
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
    lines = requirement_lines(BINDER / "requirements.txt")
    for line in lines:
        assert not line.startswith("-") and "file:" not in line and "/" not in line.split(";")[0], (
            f"binder/requirements.txt tiene una referencia local o una opción: {line!r}")
        (spec,) = Requirement(line).specifier
        assert spec.operator == "==", f"versión sin fijar en binder/requirements.txt: {line!r}"
    names = {canonical(Requirement(line).name) for line in lines}
    assert not names & {"jupyter-book", "sphinx", "myst-nb", "pytest", "cnnlab"}, names
    root = {line for line in requirement_lines(ROOT / "requirements.txt")
            if not line.startswith("-")
            and canonical(Requirement(line).name) in {"tensorflow", "tensorflow-cpu", "keras"}}
    assert root <= set(lines), f"TensorFlow y Keras deben fijarse igual que en la raíz: {root}"
    assert os.access(BINDER / "postBuild", os.X_OK), "binder/postBuild debe ser ejecutable"


@pytest.mark.launch
def test_binder_environment_installs(tmp_path):
    """requirements.txt en un entorno nuevo y después postBuild en la raíz de una copia."""
    python = new_venv(tmp_path / "binder-venv", BINDER / "requirements.txt")

    checkout = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in ("code", "binder"):
        shutil.copytree(ROOT / name, checkout / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, checkout / name)

    path = f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    run([checkout / "binder" / "postBuild"], cwd=checkout, env=clean_env(PATH=path))
    leftovers = [p.name for p in (checkout / "build", checkout / "code" / "cnnlab.egg-info")
                 if p.exists()]
    assert not leftovers, f"postBuild deja restos de la construcción en el repositorio: {leftovers}"

    info = probe(python, cwd=tmp_path)
    site = Path(info["prefix"]).resolve()
    assert info["cnnlab"] and site in Path(info["cnnlab"]).resolve().parents, (
        f"cnnlab no quedó instalado en el entorno nuevo: {info['cnnlab']}")
    pins = pinned_versions(requirement_lines(BINDER / "requirements.txt"))
    got = {name: info["versions"].get(name) for name in pins}
    assert got == pins, f"versiones distintas de las fijadas: {got} != {pins}"

    env = clean_env(TF_CPP_MIN_LOG_LEVEL="3")
    imported = run([python, "-c", "import cnnlab, keras, tensorflow; print(keras.backend.backend())"],
                   cwd=tmp_path, env=env)
    assert imported.stdout.strip() == "tensorflow"
    run([python, "-m", "pip", "check"], cwd=tmp_path, env=env)

    kernel = json.loads((site / "share/jupyter/kernels/python3/kernel.json").read_text())
    assert kernel.get("env", {}).get("TF_CPP_MIN_LOG_LEVEL") == "3", kernel


# ---------------------------------------------------------------- Colab


def test_setup_cell_outside_colab_explains_how_to_install():
    """Sin google.colab y sin cnnlab, la celda de preparación dice cómo instalarlo y se detiene."""
    spec_url, commit = "https://github.com/ejemplo/libro", "0123456789abcdef0123456789abcdef01234567"
    # -I: sin PYTHONPATH ni el sitio del usuario; -S: sin site-packages (donde está cnnlab).
    isolated = [sys.executable, "-I", "-S"]
    env = clean_env()
    env.pop(render.INSTALL_ENV, None)
    hidden = subprocess.run(
        isolated + ["-c", "import importlib.util, sys; "
                          "sys.exit(importlib.util.find_spec('cnnlab') is not None)"],
        env=env, capture_output=True, text=True, timeout=60)
    assert hidden.returncode == 0, "cnnlab sigue siendo importable: la prueba no vale"

    done = subprocess.run(isolated + ["-c", render.setup_cell_source(spec_url, commit)],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Falta el paquete del libro" in done.stdout
    assert f'pip install "{render.install_spec(spec_url, commit)}"' in done.stdout, done.stdout
    assert "Traceback" not in done.stderr, done.stderr


RUNNER = """
import sys
import nbclient, nbformat
source, target, kernel, workdir = sys.argv[1:]
nb = nbformat.read(source, as_version=4)
client = nbclient.NotebookClient(nb, kernel_name=kernel, timeout=1200, allow_errors=True,
                                 resources={"metadata": {"path": workdir}})
client.execute()
nbformat.write(nb, target)
"""


@pytest.mark.launch
def test_fresh_colab_runs_a_launch_notebook(tmp_path):
    """Un Colab recién abierto: sin cnnlab, con google.colab cargado; la celda de preparación
    instala el paquete con pip desde git (un clon local en lugar de GitHub) y el cuaderno de
    lanzamiento del capítulo 1 corre en modo rápido sin errores ni nada en stderr."""
    data_dir = os.environ.get("CNNLAB_DATA_DIR", "").strip()
    if not data_dir:
        pytest.skip("CNNLAB_DATA_DIR no está definida (aquí no hay internet para descargar los datos)")

    # El entorno: solo lo que Colab trae de serie, con las versiones de binder/requirements.txt.
    lines = [line for line in requirement_lines(BINDER / "requirements.txt")
             if canonical(Requirement(line).name) in COLAB_PACKAGES]
    lines.append(f"nbclient=={nbclient.__version__}")
    requirements = tmp_path / "colab-requirements.txt"
    requirements.write_text("\n".join(lines) + "\n", encoding="utf-8")
    python = new_venv(tmp_path / "colab-venv", requirements)
    assert probe(python, cwd=tmp_path)["cnnlab"] is None, "el Colab simulado ya trae cnnlab"

    # google.colab, ya importado cuando arranca el kernel (como en Colab), solo para el kernel.
    standin = tmp_path / "colab-standin"
    (standin / "google" / "colab").mkdir(parents=True)  # google/ sin __init__: espacio de nombres
    (standin / "google" / "colab" / "__init__.py").write_text('"""Colab simulado."""\n')
    (standin / "sitecustomize.py").write_text("import google.colab  # Colab lo trae cargado\n")
    kernels = tmp_path / "jupyter"
    run([python, "-m", "ipykernel", "install", "--prefix", kernels, "--name", KERNEL_NAME,
         "--env", "PYTHONPATH", standin], env=clean_env())

    # pip instala desde git, como en Colab desde GitHub: un clon local en el commit actual.
    clone = tmp_path / "clone"
    run(["git", "clone", "--quiet", ROOT, clone])
    run(["git", "-C", clone, "config", "uploadpack.allowFilter", "true"])  # pip clona con --filter
    commit = run(["git", "-C", ROOT, "rev-parse", "HEAD"]).stdout.strip()
    spec = render.install_spec(clone.as_uri(), commit)

    # El cuaderno de lanzamiento del capítulo 1, con la celda de preparación fijada al commit
    # del clon (CNNLAB_INSTALL la redirige a él: la URL de GitHub no se alcanza desde aquí).
    setup = render.setup_cell_source(render.repository_url(), commit)
    nb = render.render(CHAPTER, "lanzamiento", setup=setup)
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code_cells[0].source == setup, "la primera celda de código no es la de preparación"
    source, target = tmp_path / "lanzamiento.ipynb", tmp_path / "ejecutado.ipynb"
    nbformat.write(nb, source)
    runner = tmp_path / "run_notebook.py"
    runner.write_text(RUNNER, encoding="utf-8")
    workdir = tmp_path / "content"  # la carpeta de trabajo de Colab: sin el repositorio
    workdir.mkdir()

    env = clean_env(
        PATH=f"{python.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        JUPYTER_PATH=str(kernels / "share" / "jupyter"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        MPLCONFIGDIR=str(tmp_path / "matplotlib"),
        KERAS_HOME=str(tmp_path / "keras"),
        CNNLAB_INSTALL=spec,
        CNNLAB_MODE="rapido",
        CNNLAB_DATA_DIR=data_dir,
    )
    # Colab trae la caché de fuentes de Matplotlib hecha; aquí la creamos antes del cuaderno.
    run([python, "-c", "import matplotlib.pyplot"], env=env)
    run([python, runner, source, target, KERNEL_NAME, workdir], env=env, timeout=NOTEBOOK_TIMEOUT)

    executed = nbformat.read(target, as_version=4)
    problems = []
    for index, cell in enumerate(executed.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"celda {index}: {out.get('ename')}: {out.get('evalue')}\n"
                                + "\n".join(out.get("traceback", []))[-2000:])
            elif out.get("name") == "stderr":
                problems.append(f"celda {index}, stderr: {out.get('text', '')[:1000]}")
    assert not problems, "\n\n".join(problems)
    texts = [out.get("text", "") for cell in executed.cells for out in cell.get("outputs", [])]
    assert any(re.search(r"Procedencia de esta ejecución\s*\n\s*Modo:\s+rapido", t) for t in texts)

    info = probe(python, cwd=tmp_path)
    assert info["cnnlab"] and Path(info["prefix"]).resolve() in Path(info["cnnlab"]).resolve().parents
    vcs = info.get("direct_url", {}).get("vcs_info", {})
    assert vcs.get("commit_id") == commit, f"cnnlab no salió del commit pedido: {info.get('direct_url')}"


def test_binder_pins_agree_with_the_book_lock():
    """Binder instala las mismas versiones que el entorno del libro (requirements.lock)."""
    locked = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.lstrip().startswith("#"):
            name, version = line.split("==", 1)
            locked[name.strip().lower()] = version.split(";")[0].strip()
    for line in requirement_lines(BINDER / "requirements.txt"):
        spec = Requirement(line)
        if spec.marker is not None and not spec.marker.evaluate():
            continue
        version = next(iter(spec.specifier)).version
        assert locked.get(spec.name.lower()) == version, \
            f"binder/requirements.txt fija {spec.name}=={version} y requirements.lock {locked.get(spec.name.lower())}"


# ---------------------------------------------------------------- GPU sin TensorFlow

#: Lo que trae la máquina de GPU antes de las ruedas (``gpu-wheels/README.md``): Python 3.12
#: con NumPy, JAX y sus dependencias, matplotlib, Pillow, h5py, rich…; sin Keras ni Jupyter.
GPU_BASE = ["numpy", "jax", "jaxlib", "scipy", "opt-einsum", "ml-dtypes", "matplotlib",
            "pillow", "h5py", "rich", "absl-py", "typing-extensions", "pyyaml",
            "markdown-it-py", "pygments", "python-dateutil", "psutil", "attrs", "packaging"]
GPU_CHAPTER = "10_historia"  # el más corto: el ensayo mide el camino, no la GPU


def python312() -> Path | None:
    """Un intérprete de Python 3.12 (el de la máquina de GPU): del PATH o de pyenv."""
    candidates = [shutil.which("python3.12")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(p) for p in pyenv.glob("3.12*/bin/python3.12"))
    for candidate in filter(None, candidates):
        done = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                              capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip() == "(3, 12)":
            return Path(candidate)
    return None


@pytest.mark.launch
def test_gpu_rehearsal_runs_a_chapter_with_only_jax_and_the_wheels(tmp_path, monkeypatch):
    """Ensayo en CPU de la máquina de GPU: un Python 3.12 nuevo con solo lo que ella trae,
    las ruedas de ``gpu-wheels`` instaladas aparte por ``tools/remote_full_run.sh``, un
    capítulo en modo completo con JAX, y el cuaderno devuelto pasa las reglas de ``import``."""
    data_dir = os.environ.get("CNNLAB_DATA_DIR", "").strip()
    if not data_dir:
        pytest.skip("CNNLAB_DATA_DIR no está definida (aquí no hay internet para descargar los datos)")
    wheels = Path(os.environ.get("CNNLAB_SHARED") or ROOT.parent / "shared") / "gpu-wheels"
    if not any(wheels.glob("keras-*.whl")):
        pytest.skip("no están las ruedas de la GPU (define CNNLAB_SHARED con la carpeta shared)")
    python = python312()
    if python is None:
        pytest.skip("no hay Python 3.12, el de la máquina de GPU")

    # El entorno de la GPU, con las versiones del libro (requirements.lock) donde coinciden.
    uv, venv = uv_binary(), tmp_path / "gpu-venv"
    run([uv, "venv", "--quiet", "--seed", "--python", python, venv], env=clean_env())
    run([uv, "pip", "install", "--quiet", "--python", venv / "bin" / "python",
         "-c", ROOT / "requirements.lock", *GPU_BASE], timeout=INSTALL_TIMEOUT, env=clean_env())
    installed = probe(venv / "bin" / "python", cwd=tmp_path)["versions"]
    assert not {"keras", "tensorflow", "tensorflow-cpu", "nbclient", "ipykernel",
                "jupyter-cache"} & set(installed), "el entorno trae más que la máquina de GPU"

    out = tmp_path / "salida"
    env = clean_env(
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        WHEELS=str(wheels), CNNLAB_DATA_DIR=data_dir, LIMIT="900",
        MPLCONFIGDIR=str(tmp_path / "matplotlib"), KERAS_HOME=str(tmp_path / "keras"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"))
    done = run(["bash", ROOT / "tools" / "remote_full_run.sh", out, GPU_CHAPTER], env=env,
               timeout=1200)
    state = (out / "estado.txt").read_text(encoding="utf-8")
    log = out / f"{GPU_CHAPTER}.log"
    assert f"{GPU_CHAPTER} rc=0" in state, (done.stdout + state
                                           + (log.read_text(encoding="utf-8")[-3000:] if log.exists() else ""))
    assert "backend jax" in done.stdout

    # Las reglas de `import`, con el Python 3.12 en el PATH para comprobar la huella.
    import bookcache

    monkeypatch.setenv("PATH", env["PATH"])
    executed = nbformat.read(out / f"{GPU_CHAPTER}.ipynb", as_version=4)
    assert bookcache.python_version_of(executed) == "3.12"
    seconds = bookcache.check_importable(executed, f"{GPU_CHAPTER}.ipynb")
    assert seconds > 0
    path = bookcache.find_chapter(GPU_CHAPTER)
    nb = bookcache.merged(bookcache.read_chapter(path), executed, f"{GPU_CHAPTER}.ipynb")
    bookcache.check_same_package(nb, GPU_CHAPTER, "3.12")  # falla si la huella no es la de aquí
    texts = "\n".join(bookcache.output_texts(nb))
    assert re.search(r"Modo:\s+completo", texts) and "jax" in texts
