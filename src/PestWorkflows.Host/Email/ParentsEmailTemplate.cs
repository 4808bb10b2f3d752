using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Fluid;
using Fluid.Ast;
using PestWorkflows.Engine.Expressions;

namespace PestWorkflows.Host.Email;

/// <summary>
/// The Liquid templates of the parents' emails (<see cref="PestWorkflows.Activities.Protocol.EmailParents"/>).
/// A template may use only the fields of one pupil's model (<see cref="Fields"/>): nothing in it can
/// reach another pupil of the case, which the definition's save checks (<see cref="Problems"/>) and
/// the handler checks again, with the rendered text, before anything is sent.
/// </summary>
public static class ParentsEmailTemplate
{
    /// <summary>What a template may use; every value is about the one pupil, their parents, the school or the meeting.</summary>
    public static readonly IReadOnlyList<string> Fields =
    [
        "pupil.firstName", "pupil.name", "guardian.name", "recipient.name", "school.name", "coordinator.name", "coordinator.email",
        "appointment.date", "appointment.time", "appointment.place", "parentLetterUrl",
    ];

    /// <summary>Escapes what HTML needs escaped and leaves Dutch letters (ë, é, ö) as they are.</summary>
    public static readonly HtmlEncoder Html = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    private static readonly FluidParser Parser = new();
    private static readonly TemplateOptions Options = new() { MaxSteps = ExpressionEvaluator.LiquidMaxSteps, MaxRecursion = ExpressionEvaluator.LiquidMaxRecursion };

    /// <summary>Why this template may not be used in an email to parents, in Dutch; empty when it may.</summary>
    public static IReadOnlyList<string> Problems(string? template)
    {
        if (string.IsNullOrEmpty(template)) return [];
        if (!Parser.TryParse(template, out var parsed, out var error))
            return [$"Het sjabloon is geen geldige Liquid: {error}"];
        var walker = new MemberPaths();
        walker.VisitTemplate(parsed);
        return walker.Paths
            .Where(p => !Fields.Contains(p) && !walker.Locals.Contains(p))
            .Distinct()
            .Select(p => $"Het sjabloon gebruikt '{p}'. Een e-mail aan ouders noemt alleen hun eigen kind; een ander kind van de zaak kan er niet in. " +
                         $"Gebruik alleen: {string.Join(", ", Fields)}.")
            .ToList();
    }

    /// <summary>Renders the template with the model of one pupil; <paramref name="html"/> escapes every value for HTML.</summary>
    public static async Task<string> RenderAsync(string template, IReadOnlyDictionary<string, object?> model, bool html)
    {
        if (!Parser.TryParse(template, out var parsed, out var error))
            throw new InvalidOperationException($"Het sjabloon is geen geldige Liquid: {error}");
        var context = new TemplateContext(Options);
        foreach (var (name, value) in model) context.SetValue(name, value);
        return await parsed.RenderAsync(context, html ? Html : NullEncoder.Default);
    }

    /// <summary>The first name or full name of another pupil that appears in <paramref name="text"/>, if any.</summary>
    public static string? OtherPupilNamed(string text, string ownFirstName, IEnumerable<(string FirstName, string FullName)> others)
    {
        foreach (var (first, full) in others)
        {
            if (Contains(text, full)) return full;
            // Two children of one case can share a first name; then the full name decides.
            if (!string.Equals(first, ownFirstName, StringComparison.OrdinalIgnoreCase) && Contains(text, first)) return full;
        }
        return null;
    }

    private static bool Contains(string text, string name) =>
        name.Trim().Length > 0 && Regex.IsMatch(text, $@"(?<![\p{{L}}\p{{N}}]){Regex.Escape(name.Trim())}(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>Every member path a template reads (<c>pupil.firstName</c>; an index ends a path as <c>[]</c>), and the names it assigns itself.</summary>
    private sealed class MemberPaths : AstVisitor
    {
        public List<string> Paths { get; } = [];
        public HashSet<string> Locals { get; } = new(StringComparer.Ordinal);

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            var names = new List<string>();
            foreach (var segment in memberExpression.Segments)
            {
                if (segment is IdentifierSegment identifier) names.Add(identifier.Identifier);
                else { names.Add("[]"); break; }
            }
            Paths.Add(string.Join('.', names).Replace(".[]", "[]", StringComparison.Ordinal));
            return base.VisitMemberExpression(memberExpression);
        }

        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            Locals.Add(assignStatement.Identifier);
            return base.VisitAssignStatement(assignStatement);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            Locals.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }
    }
}
