namespace PestWorkflows.Host.Audit;

/// <summary>What an audit code means, in Dutch, for the audit page.</summary>
public static class AuditLabels
{
    private static readonly Dictionary<string, string> Labels = new()
    {
        [AuditActions.CaseViewed] = "Dossier bekeken",
        [AuditActions.CaseAuditViewed] = "Logboek bekeken",
        [AuditActions.CaseEmailsViewed] = "E-mails van de zaak bekeken",
        [AuditActions.CaseEmailViewed] = "E-mail bekeken",
        [AuditActions.PupilRecordViewed] = "Leerlingoverzicht bekeken",
        [AuditActions.DocumentDownloaded] = "Document gedownload",
        [AuditActions.SignalReported] = "Signaal gemeld",
        [AuditActions.TaskCompleted] = "Taak afgerond",
        [AuditActions.TaskClaimed] = "Taak opgepakt",
        [AuditActions.TaskReleased] = "Taak teruggegeven",
        [AuditActions.TaskAssigned] = "Taak toegewezen",
        [AuditActions.DocumentUploaded] = "Document toegevoegd",
        [AuditActions.EmailResent] = "E-mail opnieuw verstuurd",
        [AuditActions.DefinitionSaved] = "Werkstroom opgeslagen",
        [AuditActions.DefinitionPublished] = "Werkstroom gepubliceerd",
        [AuditActions.PasswordReset] = "Wachtwoord hersteld",
        [AuditActions.CaseAnonymised] = "Zaak geanonimiseerd na de bewaartermijn",
        [AuditActions.PupilExported] = "Inzageverzoek: gegevens van de leerling gedownload",
    };

    public static string Dutch(string action) => Labels.GetValueOrDefault(action, action);
}
