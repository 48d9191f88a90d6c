"""Prepara una carpeta de datos local (``CNNLAB_DATA_DIR``) con los archivos oficiales.

Para una máquina sin internet: descarga a mano los archivos en otra máquina, ponlos en una
carpeta ORIGEN y ejecuta::

    python -m cnnlab.prepare ORIGEN DESTINO
    export CNNLAB_DATA_DIR=DESTINO

Reconoce ``cifar-10-python.tar.gz``, ``mnist.npz``, ``cats_and_dogs_filtered.zip`` y los dos
archivos de pesos de ResNet50 de Keras; comprueba cada suma y dice si el archivo es el
oficial o una copia no oficial (que se usa igual, y así lo dirá la procedencia).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import zipfile
from pathlib import Path

from cnnlab import data

CIFAR10 = data.CIFAR10_ARCHIVE
MNIST = "mnist.npz"
CATSDOGS = "cats_and_dogs_filtered.zip"
RESNET_TOP = "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
RESNET_NOTOP = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
#: Suma oficial de cada archivo: (algoritmo, valor); ``None`` si nadie publica una.
OFFICIAL = {CIFAR10: ("sha256", data.CIFAR10_SHA256), MNIST: ("sha256", data.MNIST_SHA256),
            CATSDOGS: None,
            RESNET_TOP: ("md5", "2cb95161c43110f7111970584f804107"),
            RESNET_NOTOP: ("md5", "4d473c1dd8becc155b73f8504c6f6626")}


def verdict(path: Path) -> str:
    """«oficial», «copia no oficial» o «sin suma publicada» para un archivo conocido."""
    expected = OFFICIAL[path.name]
    if expected is None:
        return "sin suma publicada"
    algorithm, value = expected
    return "oficial" if data.file_digest(path, algorithm) == value else "copia no oficial"


def prepare(source: Path, target: Path) -> list[str]:
    """Deja en ``target`` lo que los cargadores leen y devuelve una línea por archivo."""
    source, target = Path(source), Path(target)
    if not source.is_dir():
        raise data.DataError(f"No existe la carpeta de origen {source.name!r}: pon ahí los "
                             f"archivos descargados ({', '.join(OFFICIAL)}).")
    found = [source / name for name in OFFICIAL if (source / name).is_file()]
    if not found:
        raise data.DataError(f"La carpeta {source.name!r} no tiene ninguno de los archivos que "
                             f"conozco: {', '.join(OFFICIAL)}.")
    target.mkdir(parents=True, exist_ok=True)
    report = []
    for path in found:
        status = verdict(path)
        if path.name == CIFAR10:
            data.extract_cifar10(path, target)
            where = "cifar-10-batches-py/"
        elif path.name == MNIST:
            data.read_mnist_npz(path)  # valida claves y formas antes de copiar
            shutil.copy2(path, target / MNIST)
            where = MNIST
        elif path.name == CATSDOGS:
            try:
                with zipfile.ZipFile(path) as archive:
                    archive.extractall(target)
            except zipfile.BadZipFile:
                raise data.DataError(f"{path.name} está truncado o corrupto. Vuelve a "
                                     "descargarlo.") from None
            where = "cats_and_dogs_filtered/"
        else:
            shutil.copy2(path, target / path.name)
            where = path.name
        report.append(f"{path.name}: {status} → {where}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cnnlab.prepare",
        description="Prepara una carpeta para CNNLAB_DATA_DIR a partir de los archivos oficiales.")
    parser.add_argument("origen", help="carpeta con los archivos descargados a mano")
    parser.add_argument("destino", help="carpeta que usarás como CNNLAB_DATA_DIR")
    args = parser.parse_args(argv)
    try:
        lines = prepare(Path(args.origen), Path(args.destino))
    except data.DataError as err:
        print(f"Error: {err}", file=sys.stderr)
        return 2
    print("\n".join(lines))
    print(f"Listo. Ahora: export CNNLAB_DATA_DIR={args.destino}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
