#include "movemodel.h"

#include "tablemodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace pairmatch {

using namespace Qt::StringLiterals;

MoveModel::MoveModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int MoveModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_moves.size());
}

int MoveModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MoveModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Seq:
        return u"Seq"_s;
    case User:
        return u"User"_s;
    case Data:
        return u"Data"_s;
    }
    return {};
}

QVariant MoveModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Move &m = m_moves.at(index.row());
    if (role == KeyRole || (role == SortRole && index.column() == Seq))
        return m.seq;
    if (role == SortRole)
        role = Qt::DisplayRole;
    if (role == Qt::ToolTipRole && index.column() == Data)
        return QString::fromUtf8(m.data);
    if (role == Qt::TextAlignmentRole && index.column() == Seq)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Seq:
        return m.seq;
    case User:
        return m.userId;
    case Data:
        return QString::fromUtf8(m.data);
    }
    return {};
}

void MoveModel::setRecord(const MatchRecord &record)
{
    QList<Move> moves;
    moves.reserve(record.moves.size());
    quint64 seq = record.firstSeq;
    for (const QByteArray &frame : record.moves) {
        const QJsonObject game = QJsonDocument::fromJson(frame).object();
        Move m;
        // A frame without its seq (never so as relayed) keeps its place in the count.
        m.seq = game.value("seq"_L1).isDouble() ? quint64(game.value("seq"_L1).toDouble()) : seq;
        seq = m.seq + 1;
        m.userId = game.value("userId"_L1).toString();
        // The data as compact JSON text, whatever its type: the one element of an array.
        const QByteArray wrapped
            = QJsonDocument(QJsonArray {game.value("data"_L1)}).toJson(QJsonDocument::Compact);
        m.data = wrapped.sliced(1, wrapped.size() - 2);
        moves.append(std::move(m));
    }
    beginResetModel();
    m_pairId = record.pairId;
    m_moves = std::move(moves);
    endResetModel();
}

void MoveModel::clear()
{
    beginResetModel();
    m_pairId.clear();
    m_moves.clear();
    endResetModel();
}

} // namespace pairmatch
