"""Community service booking: catalogue, Chinese time expressions, slots, bookings, reminders."""
