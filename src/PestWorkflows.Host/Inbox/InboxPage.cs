using PestWorkflows.Host.Cases;

namespace PestWorkflows.Host.Inbox;

/// <summary>One page of the inbox, the earliest deadline first, with how many tasks the whole view holds.</summary>
public sealed record InboxPage(IReadOnlyList<CaseTask> Items, int Total, int Page, int PageSize)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}
