"""The working-day calendar: statutory holidays and make-up working days (调休) from
the operators' holiday file and the ``chinese-calendar`` package (``holidays``), and
``butler calendar`` (``cli``)."""
