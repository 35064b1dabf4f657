"""scripts/fpga (a script without .py) loaded as a module, for the tests that call its functions
(fpga_docs_blocks.py, fpga_accel_rows.py)."""
import importlib.machinery
import importlib.util
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_fpga():
    path = os.path.join(ROOT, "scripts", "fpga")
    loader = importlib.machinery.SourceFileLoader("fpga", path)
    spec = importlib.util.spec_from_loader("fpga", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod
