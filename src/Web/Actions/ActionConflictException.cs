namespace Dashboard.Web.Actions;

/// <summary>
/// An action that the thing's current state does not allow (deleting a running run). The API answers 409
/// with the message; pages show the message. Nothing was changed.
/// </summary>
public sealed class ActionConflictException(string message) : InvalidOperationException(message);
