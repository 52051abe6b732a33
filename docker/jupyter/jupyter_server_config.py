# SPDX-License-Identifier: Apache-2.0
# Jupyter settings for MedGo, read by JupyterLab, Notebook 7 and jupyter server.
#
# The image puts this directory on JUPYTER_CONFIG_PATH, so these settings come after the user's
# own ~/.jupyter files (which win) and before the system-wide ones in /etc/jupyter.
# Address, port, token and the directory shown are set by medgo-start (docker/start.sh).
c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)

# New notebooks get the Go kernel.
c.MappingKernelManager.default_kernel_name = "medgo"

# Deleting a file in the browser deletes it: a trash folder does not work across the
# volume mounts the notebooks live on.
c.FileContentsManager.delete_to_trash = False
