"""Atlas engines: extrapolation of the study's facility scenarios and exact siting models."""
