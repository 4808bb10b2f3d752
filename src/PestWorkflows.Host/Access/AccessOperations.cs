using Microsoft.AspNetCore.Authorization.Infrastructure;

namespace PestWorkflows.Host.Access;

/// <summary>
/// What a staff member asks to do with a resource, for <c>IAuthorizationService.AuthorizeAsync(User, resource, operation)</c>.
/// The rules behind them are in <see cref="AccessRules"/>.
/// </summary>
public static class AccessOperations
{
    /// <summary>Open a case (resource: <see cref="Cases.Case"/>).</summary>
    public static readonly OperationAuthorizationRequirement SeeCase = new() { Name = nameof(SeeCase) };

    /// <summary>Open a task (resource: <see cref="Cases.CaseTask"/>).</summary>
    public static readonly OperationAuthorizationRequirement SeeTask = new() { Name = nameof(SeeTask) };

    /// <summary>Claim or complete a task (resource: <see cref="Cases.CaseTask"/>).</summary>
    public static readonly OperationAuthorizationRequirement ActOnTask = new() { Name = nameof(ActOnTask) };

    /// <summary>Hand a task to a person or a role (resource: <see cref="Cases.CaseTask"/>).</summary>
    public static readonly OperationAuthorizationRequirement AssignTask = new() { Name = nameof(AssignTask) };

    /// <summary>See the emails of a case and resend a failed one (resource: <see cref="Cases.Case"/>).</summary>
    public static readonly OperationAuthorizationRequirement SeeCaseEmails = new() { Name = nameof(SeeCaseEmails) };

    /// <summary>See a case's audit trail (resource: <see cref="Cases.Case"/>).</summary>
    public static readonly OperationAuthorizationRequirement SeeCaseAudit = new() { Name = nameof(SeeCaseAudit) };

    /// <summary>See a pupil (resource: <see cref="Schools.Pupil"/>).</summary>
    public static readonly OperationAuthorizationRequirement SeePupil = new() { Name = nameof(SeePupil) };

    /// <summary>Open a pupil's chronology across all cases (resource: <see cref="Schools.Pupil"/>).</summary>
    public static readonly OperationAuthorizationRequirement OpenPupilRecord = new() { Name = nameof(OpenPupilRecord) };

    /// <summary>See a school's jaarevaluatie (resource: <see cref="Schools.School"/>).</summary>
    public static readonly OperationAuthorizationRequirement SeeAnnualReport = new() { Name = nameof(SeeAnnualReport) };
    /// <summary>Download everything about a pupil for an access request, AVG art. 15 (resource: <see cref="Schools.Pupil"/>).</summary>
    public static readonly OperationAuthorizationRequirement ExportPupil = new() { Name = nameof(ExportPupil) };
}
