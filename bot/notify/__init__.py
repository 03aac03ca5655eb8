"""Telling officials what happened to their tickets, on whichever channel they asked from.

`bot.messages` routes a message by channel name; `local_inbox` is the channel of the local web
and terminal chats (Telegram's and Zalo's are built from settings by `bot.channels.outside`);
`cursor_feed` reads the document system's change feed after a stored cursor, each notice once
(`notices` records what became of each: sent, failing, set aside); `feed` turns changes into
officials' notices; `queued` tells an official that a queued escalation became a ticket;
`staff_feed` posts new tickets to the support staff's group; `worker` runs them every few
seconds while this notifier holds the sending lease (`lease`).
"""
