namespace PestWorkflows.Host.Designer;

/// <summary>The Elsa Studio custom element a designer page shows.</summary>
public enum DesignerElement { DefinitionList, DefinitionEditor, InstanceList, InstanceViewer }
