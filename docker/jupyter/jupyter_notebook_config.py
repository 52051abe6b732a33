# SPDX-License-Identifier: Apache-2.0
# Classic Notebook 6 reads this file name; it uses the same settings as JupyterLab.
load_subconfig("jupyter_server_config.py")  # noqa: F821 (provided by Jupyter)
