"""Course configs: mmengine config files that inherit the installed packages' own configs."""
