"""The numeric core of Coproduce: numpy and scipy only. It never imports Django."""
