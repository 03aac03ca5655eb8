"""The local chat: a terminal and a web page that talk to the Rasa server's REST channel."""
