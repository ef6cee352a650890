"""Recognition service: Awards, nominations, the honor wall, peer praise, competitions and letters of praise."""
