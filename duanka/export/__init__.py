"""What leaves the analysis environment: lead lists, workbook, report, case files — masked by default."""
