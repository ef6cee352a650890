"""The skill catalog and the skills people hold (ROS-5)."""
