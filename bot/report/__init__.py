"""`helpdesk report`: what officials asked, what the assistant could not answer, for trainers."""
