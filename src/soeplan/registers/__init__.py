"""Enterprise registers (企业名录 / 产权登记): a county's real entity list, with its attributes and dated changes."""
