"""Telling officials what happened to their tickets, on whichever channel they asked from.

`bot.messages` routes a message by channel name; `local_inbox` is the channel of the local web
and terminal chats (Telegram's and Zalo's are built from settings by `bot.channels.outside`);
`feed` turns the document system's change feed into notices; `queued` tells an official that
a queued escalation became a ticket; `staff_feed` posts new tickets to the support staff's
group; `worker` runs them every few seconds.
"""
