package io.courant.log.internal;

import com.typesafe.config.ConfigFactory;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.DeleteMessagesFailure;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;

/**
 * Deletes a persistence id's journal events up to a sequence number through the default journal
 * plugin (Pekko's {@code DeleteMessagesTo}, which any journal plugin serves), replying to the asking
 * actor with {@code reply(toSeqNr, failure or null)}.
 */
final class JournalDeletes {
  private JournalDeletes() {}

  static <T> void deleteTo(ActorContext<T> ctx, String persistenceId, long toSeqNr, BiFunction<Long, Throwable, T> reply) {
    var replies = ctx.messageAdapter(DeleteMessagesSuccess.class, ok -> reply.apply(ok.toSequenceNr(), null));
    ctx.messageAdapter(DeleteMessagesFailure.class, failed -> reply.apply(failed.toSequenceNr(), failed.cause()));
    Persistence.get(Adapter.toClassic(ctx.getSystem())).journalFor("", ConfigFactory.empty())
        .tell(new JournalProtocol.DeleteMessagesTo(persistenceId, toSeqNr, Adapter.toClassic(replies)), Adapter.toClassic(replies));
  }
}
