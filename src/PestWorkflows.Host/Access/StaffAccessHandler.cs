using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using PestWorkflows.Host.Identity;

namespace PestWorkflows.Host.Access;

/// <summary>
/// Resource-based authorization for staff: <c>AuthorizeAsync(User, task, AccessOperations.ActOnTask)</c>
/// answers with <see cref="AccessRules"/>. Scoped, so it shares the request's staff member and database context.
/// </summary>
public sealed class StaffAccessHandler(StaffAccessor staffAccessor, StaffAccess access) : AuthorizationHandler<OperationAuthorizationRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, OperationAuthorizationRequirement requirement)
    {
        if (context.Resource is null || await staffAccessor.GetAsync(context.User) is not { } staff) return;
        if (await access.MayAsync(staff, requirement, context.Resource, CancellationToken.None)) context.Succeed(requirement);
    }
}
