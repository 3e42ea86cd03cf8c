// The moves of one finished game (MatchRecord::moves, asked with withMoves), in seq order:
// who sent each and its data, as relayed.
#pragma once

#include "matchhistory.h"

#include <QAbstractTableModel>

namespace pairmatch {

class MoveModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Seq, User, Data, ColumnCount };

    // One relayed `game` frame.
    struct Move {
        quint64 seq = 0;
        QString userId;
        QByteArray data; // the move's data as compact JSON ("null" when it had none)
    };

    explicit MoveModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // Shows this game's moves (none: clears).
    void setRecord(const MatchRecord &record);
    void clear();
    const QByteArray &pairId() const { return m_pairId; }
    const Move &moveAt(int row) const { return m_moves.at(row); }

private:
    QByteArray m_pairId;
    QList<Move> m_moves;
};

} // namespace pairmatch
