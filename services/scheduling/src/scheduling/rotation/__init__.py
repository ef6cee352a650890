"""Rotations: a team's repeating pattern of shifts that generates its roster (ROS-6)."""
