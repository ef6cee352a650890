"""The org directory (ORG-1..ORG-5): employees, teams, levels and the chain of superiors."""
