using Microsoft.EntityFrameworkCore;
using PestWorkflows.Host.Data;

namespace PestWorkflows.Host.Cases;

/// <summary>
/// The case a workflow step works on, for the step's effect handlers. They prepare their rows before the
/// step's transaction and save them together inside it, so the case a signal creates in this very step
/// is only in the context (added, with its pupils), not yet in the database; and once one handler has
/// read the case, the others get the same tracked row instead of asking again.
/// </summary>
public static class CaseOfStep
{
    /// <summary>The case with its pupils; null when the instance is not a case (a test workflow, the designer's test run).</summary>
    public static async Task<Case?> FindAsync(AppDbContext db, string workflowInstanceId, CancellationToken ct) =>
        db.Cases.Local.FirstOrDefault(c => c.WorkflowInstanceId == workflowInstanceId)
        ?? await db.Cases.Include(c => c.Pupils).FirstOrDefaultAsync(c => c.WorkflowInstanceId == workflowInstanceId, ct);
}
