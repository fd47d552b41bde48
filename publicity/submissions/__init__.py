"""Reports and consultations from the public (举报投诉 / 咨询): the public form and tracker
(``views``), the staff triage (``triage``), their workflow table (``workflow``), writes
(``services``) and reads (``selectors``), with their own URLs and templates."""
