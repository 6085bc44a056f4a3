"""Files for people: CSV, Excel, Parquet and JSON exports, the HTML and PDF report, plots and labels."""
