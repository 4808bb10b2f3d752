namespace PestWorkflows.Host.Inbox;

/// <summary>The inbox's filters. <see cref="All"/> is for the coordinator and the leader; for anyone else it is <see cref="Waiting"/>.</summary>
public enum InboxView { Waiting, Mine, Role, Overdue, DueToday, All }
