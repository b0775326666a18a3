import SwitchyardCore

/// Sessions and messages, wallets and their ledger, and the chat turn's one read of bot data: ``SQLiteChatStore`` and ``PostgresChatStore``
/// behind the ``ChatRepository`` and ``ChatBotReader`` ports.
public protocol ChatStore: ChatRepository, ChatBotReader, WalletRepository, UsageRepository, ExternalDataStore,
    BirthProfileRepository, MemoryRepository, AdminDirectory
{
    /// Closes the connections the store owns.
    func shutdown() async
    /// Runs the cheapest query there is (`SELECT 1`). - Throws: When the database does not answer.
    func ping() async throws
}
