using PestWorkflows.Engine.Activities;
using PestWorkflows.Engine.Model;

namespace PestWorkflows.Host.Designer;

/// <summary>
/// Finds loop-backs the engine will not follow: a backward connection whose target is not the one
/// door into the loop (some path from the start reaches its source without passing its target).
/// An instance that takes one faults, so the Studio is warned on save (Elsa's
/// <c>validationErrors</c>); the definition is stored all the same, as Elsa does with warnings.
/// </summary>
public static class BackwardConnectionCheck
{
    public static IReadOnlyList<ValidationError> Find(Workflow workflow)
    {
        var warnings = new List<ValidationError>();
        Visit(workflow.Root, warnings);
        return warnings;
    }

    private static void Visit(Activity activity, List<ValidationError> warnings)
    {
        if (activity is Flowchart flowchart)
        {
            foreach (var connection in flowchart.Connections.Where(c => flowchart.Graph.IsBackward(c) && !flowchart.Graph.IsValidBackward(c)))
                warnings.Add(new ValidationError(
                    $"The connection from '{connection.Source.Id}' ({connection.SourcePort}) back to '{connection.Target.Id}' loops back into the " +
                    $"middle of a loop: '{connection.Source.Id}' can be reached without passing '{connection.Target.Id}'. An instance that takes it faults.",
                    connection.Source.Id));
        }
        if (activity is IContainerActivity container)
            foreach (var child in container.Children) Visit(child, warnings);
    }
}
