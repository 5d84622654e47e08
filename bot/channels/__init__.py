"""Channel adapters: each turns one outside protocol into Rasa messages and Rasa replies back.

`webchat` is Rasa's socket.io channel for the website chat widget, which it also serves (`web/`).
"""
