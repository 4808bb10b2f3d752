namespace PestWorkflows.Host.Cases;

/// <summary>One page of a case list, newest first, with how many cases the whole list holds.</summary>
public sealed record CasePage(IReadOnlyList<CaseSummaryDto> Items, int Total, int Page, int PageSize)
{
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
}
